"""A network serves only once its hot indexes are built: at start (with /readyz saying what the
warm-up is doing meanwhile) and at every reload (the old network serves until the new is warm)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

import graphsvc
from graphsvc.api import Settings, create_app
from graphsvc.api import warm as warm_module

ADMIN = {"Authorization": "Bearer adm1n"}
NEW_FACT = "990101101204,indicator,collective_income,3000000,yuan,,2022,,T2,added by a test\n"


def assert_warm(net: graphsvc.Network) -> None:
    """Every index a hot endpoint needs is built already."""
    held = net.cache.listing()
    indexes = {i["name"] for i in held["indexes"]}
    assert {"search index", "organisation indexes", f"statuses {net.default_year()}",
            "map layout"} <= indexes
    questions = {a["question"] for a in held["answers"]}
    assert {"weak-linked links", "whole gaps", "whole coverage"} <= questions


def _wait(c: TestClient, status: int, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        r = c.get("/readyz")
        if r.status_code == status or time.monotonic() > deadline:
            return r
        time.sleep(0.02)


def test_a_network_given_to_the_app_is_warm_before_it_serves(
        tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with TestClient(create_app(Settings(seed=seed), graphsvc.load(seed))) as c:
        assert c.get("/readyz").status_code == 200
        assert_warm(c.app.state.graphsvc.network)  # type: ignore[attr-defined]


def test_readyz_says_what_the_warm_up_is_doing(tiny_copy: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """While warming, /readyz is a 503 naming the step; ready once every step is done."""
    seed = tiny_copy()
    gate = threading.Event()
    real_steps = warm_module.steps

    def held_steps(net: graphsvc.Network) -> list[tuple[str, Callable[[], Any]]]:
        return [*real_steps(net), ("waiting for the test", lambda: gate.wait(20))]

    monkeypatch.setattr(warm_module, "steps", held_steps)
    with TestClient(create_app(Settings(seed=seed), graphsvc.load(seed), background=True)) as c:
        assert c.get("/healthz").status_code == 200
        deadline = time.monotonic() + 20
        while True:
            r = c.get("/readyz")
            if "waiting for the test" in r.json().get("detail", "") or \
                    time.monotonic() > deadline:
                break
            time.sleep(0.02)
        body = r.json()
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert body["activity"].startswith("waiting for the test (")
        assert "done: loading the seed" in body["activity"]
        assert "building the search index" in body["activity"]
        assert c.get("/v1/search?q=jc").status_code == 503
        gate.set()
        r = _wait(c, 200)
        assert r.status_code == 200
        assert_warm(c.app.state.graphsvc.network)  # type: ignore[attr-defined]
        assert c.get("/v1/search?q=jc").status_code == 200


def test_a_reload_swaps_in_a_network_already_warm(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    app = create_app(Settings(seed=seed, admin_token=SecretStr("adm1n")), graphsvc.load(seed))
    with TestClient(app) as c:
        old = app.state.graphsvc.network
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        assert c.post("/v1/admin/reload", headers=ADMIN).json()["changed"]
        new = app.state.graphsvc.network
        assert new is not old
        assert_warm(new)
        assert c.get("/readyz").json()["data_version"] == new.data_version


def test_the_warm_up_travels_with_the_snapshot(tiny_copy: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm-up slower than a second is saved with the snapshot (here: whatever it takes);
    the next load of that data version is warm before any warm-up, and answers as a network
    that worked everything out afresh."""
    from graphsvc.loader.snapshot import snapshot_path
    from graphsvc.queries import coverage, gaps, search, weak_linked

    seed = tiny_copy()
    monkeypatch.setattr(warm_module, "SNAPSHOT_MIN_SECONDS", -1.0)
    first = graphsvc.load(seed, snapshot=True)
    assert not first.cache.listing()["indexes"]
    warm_module.warm(first)
    assert not graphsvc.load(seed).cache.listing()["indexes"]  # a library load leaves them
    again = graphsvc.load(seed, serving=True)
    assert again.report.from_snapshot
    assert_warm(again)  # before any warm-up of its own
    assert not again.cache.unsaved()
    fresh = graphsvc.load(seed, snapshot=False)
    for ask in (lambda n: search(n, "jc"), lambda n: search(n, "黄山店"),
                lambda n: coverage(n, limit=5), lambda n: gaps(n, limit=5),
                lambda n: weak_linked(n, limit=5)):
        assert ask(again) == ask(fresh)
    # nothing new was built: warming it again writes nothing
    path = snapshot_path(seed, again.data_version)
    mtime = path.stat().st_mtime_ns
    warm_module.warm(again)
    assert path.stat().st_mtime_ns == mtime


def test_a_network_with_hidden_attributes_is_never_saved_as_the_seeds_snapshot(
        tiny_copy: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Its statuses and answers differ from the seed's: they must not become the snapshot."""
    from graphsvc.hide import hide

    seed = tiny_copy()
    monkeypatch.setattr(warm_module, "SNAPSHOT_MIN_SECONDS", -1.0)
    net = graphsvc.load(seed, snapshot=True)
    hidden = warm_module.warm(hide(net, frozenset({"note"})))
    assert hidden.cache.listing()["indexes"] and hidden.snapshot_root is None
    assert not graphsvc.load(seed, serving=True).cache.listing()["indexes"]
