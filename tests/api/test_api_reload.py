"""Reloads: built aside and swapped in one step; a bad seed is refused and the old data serves."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

import graphsvc
from graphsvc import queries
from graphsvc.api import Settings, create_app
from graphsvc.api.shared import SharedDir
from graphsvc.api.state import NetworkState, SeedWatcher, sizes

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
    watcher = SeedWatcher(state.seed_dir, lambda: state.reload("watch"), interval=0.05,
                          quiet=0.2)
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


def test_watch_waits_until_the_files_stop_changing(tiny_copy: Callable[..., Path]) -> None:
    """A writer that keeps appending for 1.5 s: no reload while it writes, one after it stops."""
    seed = tiny_copy()
    state = NetworkState(seed, graphsvc.load(seed))
    reloads: list[tuple[float, str]] = []

    def reload() -> None:
        r = state.reload("watch")
        reloads.append((time.monotonic(), r.outcome))

    watcher = SeedWatcher(state.seed_dir, reload, interval=0.05, quiet=0.6)
    watcher.start()
    try:
        rows = NEW_FACT.replace("3000000", "{}").replace("added by a test", "row {}")
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            for i in range(15):  # a slow save: a row every 0.1 s, each flushed
                fh.write(rows.format(3000000 + i, i))
                fh.flush()
                time.sleep(0.1)
        last_write = time.monotonic()
        assert reloads == [], "reloaded while the file was still being written"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not reloads:
            time.sleep(0.05)
        time.sleep(0.5)  # and no second reload for the same change
    finally:
        watcher.stop()
    assert len(reloads) == 1 and reloads[0][1] == "ok"
    assert reloads[0][0] - last_write >= 0.5
    assert state.network is not None and len(state.network.facts_of("990101101204")) >= 15


def test_reload_that_drops_too_much_is_refused_unless_forced(
        tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with _app(seed) as c:
        before = c.get("/v1/meta").json()
        lines = (seed / "relations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [ln for ln in lines if ln.startswith(("from,", "#"))]
        (seed / "relations.csv").write_text("".join(keep), encoding="utf-8")  # no relations
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 409 and r.headers["content-type"].startswith(
            "application/problem+json")
        body = r.json()
        lost = body["would_lose"]["edges"]
        assert lost["served"] == before["report"]["edges"] > lost["new"]
        assert lost["lost"] == lost["served"] - lost["new"]
        assert lost["percent"] > 20 and "edges" in body["detail"]
        assert "force=true" in body["detail"]
        meta = c.get("/v1/meta").json()
        assert meta["data_version"] == before["data_version"]
        assert meta["report"]["edges"] == before["report"]["edges"]
        last = meta["last_reload"]
        assert last["outcome"] == "refused" and not last["ok"]
        assert last["would_lose"]["edges"] == lost
        assert last["candidate_version"] == body["candidate_version"] != before["data_version"]

        r = c.post("/v1/admin/reload?force=true", headers=ADMIN)
        assert r.status_code == 200 and r.json()["forced"] and r.json()["changed"]
        assert r.json()["would_lose"]["edges"] == lost
        meta = c.get("/v1/meta").json()
        assert meta["report"]["edges"] == lost["new"] and meta["last_reload"]["outcome"] == "ok"


def test_drop_limit_is_a_setting(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with _app(seed, reload_max_drop=1.0) as c:
        (seed / "facts.csv").write_text(
            "entity,fact,key,value,unit,qualifier,year,model,source,note\n", encoding="utf-8")
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 200 and not r.json()["forced"]


def test_unreadable_field_is_a_422_not_a_500(tiny_copy: Callable[..., Path]) -> None:
    """A field over the CSV module's 128 KB limit: refused with the file named, data kept."""
    seed = tiny_copy()
    with _app(seed) as c:
        before = c.get("/v1/meta").json()["data_version"]
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT.replace("added by a test", '"' + "x" * 140_000 + '"'))
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 422, r.text[:500]
        body = r.json()
        assert body["type"].endswith("/invalid-seed") and body["errors"]
        assert any(e["file"].endswith("facts.csv") and e["line"] > 0 for e in body["errors"])
        assert "Traceback" not in r.text
        meta = c.get("/v1/meta").json()
        assert meta["data_version"] == before
        assert meta["last_reload"]["outcome"] == "invalid"
        assert meta["last_reload"]["problem_count"] == len(body["errors"])


def test_a_schema_whose_kinds_is_a_list_is_a_422(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    with _app(seed) as c:
        before = c.get("/v1/meta").json()["data_version"]
        schema = yaml.safe_load((Path(graphsvc.__file__).parent / "model" / "schema.yaml").read_text(
            encoding="utf-8"))
        schema["kinds"] = [{name: spec} for name, spec in schema["kinds"].items()]
        (seed / "schema.yaml").write_text(yaml.safe_dump(schema, allow_unicode=True),
                                          encoding="utf-8")
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 422, r.text[:300]
        assert any(e["file"].endswith("schema.yaml") and "kinds" in e["text"]
                   for e in r.json()["errors"])
        assert c.get("/v1/meta").json()["data_version"] == before


def test_internal_error_in_a_reload_is_a_clean_500(tiny_copy: Callable[..., Path],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """A loader bug (simulated: a loader that raises TypeError) is a 500 problem without a
    traceback in the body; the old data keeps serving and last_reload says `error`."""
    seed = tiny_copy()

    def broken_loader(path: Path | None) -> graphsvc.Network:
        raise TypeError("'list' object has no attribute 'items'")

    app = create_app(Settings(seed=seed, admin_token="adm1n"), graphsvc.load(seed))
    app.state.graphsvc = NetworkState(seed, graphsvc.load(seed), loader=broken_loader)
    with TestClient(app) as c:
        before = c.get("/v1/meta").json()["data_version"]
        r = c.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 500 and r.headers["content-type"].startswith(
            "application/problem+json")
        assert r.json()["type"].endswith("/reload-failed") and "Traceback" not in r.text
        assert "TypeError" in r.json()["detail"]
        meta = c.get("/v1/meta").json()
        assert meta["data_version"] == before and meta["last_reload"]["outcome"] == "error"
    assert "internal error" in caplog.text


def test_workers_share_only_validated_data(tiny_copy: Callable[..., Path]) -> None:
    """Two states over one runtime directory, as two workers: a good reload by one is followed
    by the other; a bad one changes nothing; a worker started later serves the last good data
    even though the seed on disk is broken by then."""
    seed = tiny_copy()
    shared = SharedDir.create()
    try:
        net = graphsvc.load(seed)
        shared.publish(seed, net.data_version, sizes(net))
        a, b = (NetworkState(seed, None, shared=shared) for _ in range(2))
        assert a.follow() and b.follow()
        v0 = a.network.data_version if a.network else None
        assert v0 == net.data_version and b.network is not None
        assert b.network.report.seed_dir == str(seed)  # reported as the user's seed

        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        r = a.reload("api")
        assert r.ok and r.data_version != v0
        v1 = r.data_version
        assert b.follow() and b.network is not None and b.network.data_version == v1
        assert b.last_reload_record() == a.last_reload_record()  # one record for all

        with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
            fh.write("990101101201,member_of,org.nowhere,member,2021,,T2,\n")
        r = b.reload("sighup")
        assert r.outcome == "invalid" and r.data_version == v1
        assert not a.follow() and a.network is not None and a.network.data_version == v1
        assert (a.last_reload_record() or {})["outcome"] == "invalid"

        late = NetworkState(seed, None, shared=shared)  # a replaced worker
        assert late.follow() and late.network is not None
        assert late.network.data_version == v1

        (seed / "facts.csv").write_text(  # valid, but drops every fact: refused for everyone
            "entity,fact,key,value,unit,qualifier,year,model,source,note\n", encoding="utf-8")
        lines = (seed / "relations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (seed / "relations.csv").write_text("".join(lines[:-1]), encoding="utf-8")
        assert b.reload("watch").outcome == "refused"
        assert a.network.data_version == b.network.data_version == v1
        assert len(list(shared.good.iterdir())) <= 2
    finally:
        shutil.rmtree(shared.root, ignore_errors=True)


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


def test_a_runtime_directory_left_by_a_killed_supervisor_is_removed() -> None:
    import subprocess
    import sys
    import tempfile

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = Path(tempfile.gettempdir()) / f"graphsvc-run-{gone.stdout.strip()}-test"
    stale.mkdir()
    (stale / "current.json").write_text("{}", encoding="utf-8")
    live = SharedDir.create()  # this process runs: its directory stays
    again = SharedDir.create()
    try:
        assert not stale.exists() and live.root.exists() and again.root.exists()
        assert live.root.name.startswith(f"graphsvc-run-{os.getpid()}-")
    finally:
        for shared in (live, again):
            shutil.rmtree(shared.root, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)


def test_workers_load_their_first_network_one_at_a_time(tiny_copy: Callable[..., Path]) -> None:
    """Two workers starting together over one runtime directory: the second loads once the
    first has (the start lock); a later version is followed by each at once."""
    seed = tiny_copy()
    shared = SharedDir.create()
    try:
        net = graphsvc.load(seed)
        shared.publish(seed, net.data_version, sizes(net))
        spans: list[tuple[float, float]] = []

        def slow_load(path: Path | None) -> graphsvc.Network:
            t0 = time.monotonic()
            time.sleep(0.3)
            loaded = graphsvc.load(path)
            spans.append((t0, time.monotonic()))
            return loaded

        workers = [NetworkState(seed, None, slow_load, shared=shared) for _ in range(2)]
        threads = [threading.Thread(target=w.start) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert all(w.network is not None and w.network.data_version == net.data_version
                   for w in workers)
        (a0, a1), (b0, b1) = sorted(spans)
        assert a1 <= b0  # one after the other, not both at once
        assert not workers[0].start()  # already serving the published version
    finally:
        shutil.rmtree(shared.root, ignore_errors=True)


def test_only_a_reload_frees_a_network(tiny_copy: Callable[..., Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The first network replaces none: no full collection (about 1.7 s at national scale, in
    every start's time to ready). A reload frees the network it replaced."""
    import graphsvc.api.state as state_module

    freed: list[str] = []
    monkeypatch.setattr(state_module, "release_frozen", lambda: freed.append("collected"))
    seed = tiny_copy()
    state = NetworkState(seed, None)
    assert state.reload("start").ok and freed == []
    with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_FACT)
    assert state.reload("test").changed and freed == ["collected"]


@pytest.mark.parametrize("which", ["tiny", "fangshan"])
def test_the_edge_count_is_networkx_s(which: str, request: pytest.FixtureRequest) -> None:
    net = request.getfixturevalue(which)
    assert net.edge_count == net.graph.number_of_edges() == sizes(net)["edges"]
    assert f"{net.graph.number_of_edges()} edges" in repr(net)
