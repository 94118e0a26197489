"""Reloads: built aside and swapped in one step; a bad seed is refused and the old data serves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc import queries
from graphsvc.api import Settings, create_app
from graphsvc.api.state import NetworkState, SeedWatcher

ADMIN = {"Authorization": "Bearer adm1n"}
NEW_FACT = "990101101204,indicator,collective_income,3000000,yuan,,2022,,T2,added by a test\n"


def _app(seed: Path, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(seed=seed, admin_token="adm1n", **settings),
                                 graphsvc.load(seed)))


def test_good_reload_swaps_the_data_version(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with _app(seed) as c:
        before = c.get("/v1/meta").json()["data_version"]
        assert c.get("/v1/entities/990101101204").json()["status"]["status"] == "unknown"
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        r = c.post("/v1/admin/reload", headers=ADMIN)
        body = r.json()
        assert r.status_code == 200 and body["ok"] and body["changed"]
        assert body["previous_version"] == before and body["data_version"] != before
        meta = c.get("/v1/meta")
        assert meta.json()["data_version"] == body["data_version"]
        assert meta.headers["etag"] == f'"{body["data_version"]}"'
        assert meta.json()["last_reload"]["ok"] is True
        assert c.get("/v1/entities/990101101204").json()["status"]["status"] == "strong"
        # the old ETag no longer matches
        assert c.get("/v1/meta", headers={"If-None-Match": f'"{before}"'}).status_code == 200


def test_bad_reload_keeps_the_old_data_and_reports(tiny_copy: Callable[..., Path],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    seed = tiny_copy()
    with _app(seed) as c:
        before = c.get("/v1/meta").json()["data_version"]
        with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
            fh.write("990101101201,member_of,org.nowhere,member,2021,,T2,\n")
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 422 and r.headers["content-type"].startswith(
            "application/problem+json")
        body = r.json()
        assert body["data_version"] == before
        assert any("org.nowhere" in e["message"] and e["file"].endswith("relations.csv")
                   for e in body["errors"])
        assert c.get("/v1/meta").json()["data_version"] == before
        assert c.get("/v1/entities/990101101201").status_code == 200
        meta = c.get("/v1/meta").json()
        assert meta["last_reload"]["ok"] is False and meta["last_reload"]["errors"]
        assert "org.nowhere" in caplog.text  # and logged


def test_request_in_flight_finishes_on_the_network_it_started_with(
        tiny_copy: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    seed = tiny_copy()
    started, release = threading.Event(), threading.Event()
    real = queries.search

    def slow_search(net: graphsvc.Network, *args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(10)
        return real(net, *args, **kwargs)

    monkeypatch.setattr(queries, "search", slow_search)
    with _app(seed) as c:
        before = c.get("/v1/meta").json()["data_version"]
        result: dict[str, Any] = {}
        t = threading.Thread(target=lambda: result.update(r=c.get("/v1/search?q=jc")))
        t.start()
        assert started.wait(10)
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        after = c.post("/v1/admin/reload", headers=ADMIN).json()["data_version"]
        assert after != before
        release.set()
        t.join(10)
        assert result["r"].status_code == 200
        assert result["r"].headers["etag"] == f'"{before}"'  # the old network answered it
        assert c.get("/v1/meta").json()["data_version"] == after


def test_state_reload_without_errors_keeps_object_when_refused(tiny_copy: Callable[..., Path]
                                                               ) -> None:
    seed = tiny_copy()
    state = NetworkState(seed, graphsvc.load(seed))
    old = state.network
    (seed / "sources.csv").write_text("id,title\n", encoding="utf-8")
    r = state.reload("test")
    assert not r.ok and r.errors and state.network is old
    assert not r.changed


def test_watch_reloads_when_a_seed_file_changes(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    state = NetworkState(seed, graphsvc.load(seed))
    before = state.network.data_version if state.network else None
    watcher = SeedWatcher(state, interval=0.05)
    watcher.start()
    try:
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and state.last_reload is None:
            time.sleep(0.05)
    finally:
        watcher.stop()
    assert state.last_reload is not None and state.last_reload.trigger == "watch"
    assert state.network is not None and state.network.data_version != before


def test_startup_load_in_background_then_ready(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with TestClient(create_app(Settings(seed=seed))) as c:
        assert c.get("/healthz").status_code == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and c.get("/readyz").status_code != 200:
            time.sleep(0.05)
        assert c.get("/readyz").status_code == 200
        assert c.get("/v1/entities/990101101201").status_code == 200


def test_startup_with_a_bad_seed_is_not_ready(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy(edits={"divisions.csv": ("990101101,township", "990101101,castle")})
    with TestClient(create_app(Settings(seed=seed))) as c:
        deadline = time.monotonic() + 20
        state = c.app.state.graphsvc  # type: ignore[attr-defined]
        while time.monotonic() < deadline and state.last_reload is None:
            time.sleep(0.05)
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["errors"]
        assert c.get("/v1/meta").status_code == 503
        assert c.get("/healthz").status_code == 200
