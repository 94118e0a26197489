"""A real `graphsvc serve` process on a free loopback port: query, SIGHUP reload, SIGTERM stop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serving import ROOT, free_port, start_serve, wait_ready

NEW_FACT = "990101101204,indicator,collective_income,3000000,yuan,,2022,,T2,added by a test\n"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs POSIX signals")


@pytest.fixture
def server(tiny_copy: Callable[..., Path]) -> Iterator[tuple[str, subprocess.Popen[str], Path]]:
    seed = tiny_copy()
    base, proc = start_serve(seed, "--token", "tok")
    try:
        wait_ready(base, proc)
        yield base, proc, seed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_serve_answers_reloads_on_sighup_and_stops_gracefully(
        server: tuple[str, subprocess.Popen[str], Path]) -> None:
    base, proc, seed = server
    auth = {"Authorization": "Bearer tok"}
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{base}/v1/meta").status_code == 401
    r = httpx.get(f"{base}/v1/entities/990101101201", headers=auth)
    assert r.status_code == 200 and r.json()["name"] == "甲村"
    before = r.headers["etag"]
    assert httpx.get(f"{base}/v1/entities/990101101201",
                     headers={**auth, "If-None-Match": before}).status_code == 304

    with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_FACT)
    proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    etag = before
    while time.monotonic() < deadline and etag == before:
        time.sleep(0.1)
        etag = httpx.get(f"{base}/v1/meta", headers=auth).headers["etag"]
    assert etag != before, "SIGHUP did not reload"
    status = httpx.get(f"{base}/v1/entities/990101101204", headers=auth).json()["status"]
    assert status["status"] == "strong"

    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    # uvicorn finishes the shutdown, then re-raises the signal so supervisors see why it ended
    assert proc.returncode in (0, -signal.SIGTERM), out
    assert "SIGHUP" in out and "Shutting down" in out and "Finished server process" in out
    assert '"GET /v1/entities/990101101201 HTTP/1.1" 200' in out  # the access log
    assert "Traceback" not in out


def test_a_failed_sighup_reload_logs_one_line_and_the_problems(
        tiny_copy: Callable[..., Path], tmp_path: Path) -> None:
    seed = tiny_copy()
    log = tmp_path / "server.log"
    base, proc = start_serve(seed, log=log)
    try:
        wait_ready(base, proc)
        before = httpx.get(f"{base}/v1/meta").json()["data_version"]
        with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
            fh.write("990101101201,member_of,org.nowhere,member,2021,,T2,\n")
        proc.send_signal(signal.SIGHUP)
        _wait_for(lambda: "reload (sighup)" in log.read_text())
        time.sleep(0.3)
        text = log.read_text()
        lines = text[text.index("reload (sighup)"):].splitlines()
        assert lines[0].endswith(f"[serving {before}]") and "invalid" in lines[0]
        assert "relations.csv:" in lines[1] and "org.nowhere" in lines[1]
        assert "Traceback" not in text and text.count("ERROR") == 1
        assert httpx.get(f"{base}/v1/meta").json()["data_version"] == before
    finally:
        proc.terminate()
        proc.wait(20)


def test_serve_refuses_a_bad_seed_at_start(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy(edits={"divisions.csv": ("990101101,township", "990101101,castle")})
    proc = subprocess.run(
        [sys.executable, "-m", "graphsvc", "serve", "--port", str(free_port()), "--seed",
         str(seed)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "divisions.csv" in proc.stderr and "castle" in proc.stderr


def _versions(base: str, n: int = 40) -> set[str]:
    """The data version of `n` answers of /v1/meta, each on a new connection (so that they
    spread over the workers); every answer must be a 200 whose body matches its ETag."""
    seen = set()
    for _ in range(n):
        r = httpx.get(f"{base}/v1/meta", timeout=10)
        assert r.status_code == 200, r.text[:300]
        assert r.headers["etag"] == f'"{r.json()["data_version"]}"'
        seen.add(r.json()["data_version"])
    return seen


def _last_reload(base: str) -> dict[str, Any]:
    last = httpx.get(f"{base}/v1/meta", timeout=10).json()["last_reload"]
    return last if isinstance(last, dict) else {}


def _wait_for(what: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _workers(log: Path) -> list[int]:
    """The pids of the worker processes started so far (uvicorn logs each)."""
    return [int(m) for m in re.findall(r"Started server process \[(\d+)\]", log.read_text())]


def test_several_workers_never_serve_bad_data(tiny_copy: Callable[..., Path],
                                              tmp_path: Path) -> None:
    """`--workers 2`: a broken seed reloaded by --watch, by SIGHUP and by the API leaves every
    worker serving the last good data (also a worker restarted meanwhile); the fixed seed then
    reaches every worker."""
    seed = tiny_copy()
    log = tmp_path / "server.log"
    admin = {"Authorization": "Bearer adm"}
    base, proc = start_serve(seed, "--workers", "2", "--watch", "--admin-token", "adm", log=log,
                             env={"GRAPHSVC_WATCH_INTERVAL": "0.2", "GRAPHSVC_WATCH_QUIET": "0.5"})
    try:
        wait_ready(base, proc)
        _wait_for(lambda: len(_workers(log)) == 2 and _versions(base, 4) is not None)
        (v0,) = _versions(base)
        assert not (seed / ".graphsvc-cache").exists()  # never beside the seed
        for _ in range(20):  # the workers started warm, from a snapshot of the published copy
            assert httpx.get(f"{base}/v1/meta", timeout=10).json()["report"]["from_snapshot"]
        good = (seed / "relations.csv").read_text(encoding="utf-8")

        # 1. --watch: the seed gets a dangling reference
        with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
            fh.write("990101101201,member_of,org.nowhere,member,2021,,T2,\n")
        _wait_for(lambda: _last_reload(base).get("trigger") == "watch")
        last = _last_reload(base)
        assert last["outcome"] == "invalid" and "org.nowhere" in str(last["errors"])
        assert _versions(base) == {v0}

        # 2. SIGHUP to the supervisor
        proc.send_signal(signal.SIGHUP)
        _wait_for(lambda: _last_reload(base).get("trigger") == "sighup")
        assert _last_reload(base)["outcome"] == "invalid"
        assert _versions(base) == {v0}

        # 3. the API, whichever worker answers
        for _ in range(4):
            r = httpx.post(f"{base}/v1/admin/reload", headers=admin, timeout=30)
            assert r.status_code == 422 and r.json()["data_version"] == v0
        assert _versions(base) == {v0}

        # 4. a worker dies (kill -9) while the seed is broken: its replacement serves v0 too
        victim = _workers(log)[0]
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: len(_workers(log)) == 3, 60)
        time.sleep(1.0)
        assert _versions(base, 60) == {v0}

        # the fixed seed (and a new fact) reaches every worker
        (seed / "relations.csv").write_text(good, encoding="utf-8")
        with (seed / "facts.csv").open("a", encoding="utf-8") as fh:
            fh.write(NEW_FACT)
        _wait_for(lambda: _last_reload(base).get("outcome") == "ok")
        v1 = _last_reload(base)["data_version"]
        assert v1 != v0
        _wait_for(lambda: _versions(base, 10) == {v1})
        assert _versions(base, 60) == {v1}
        text = log.read_text()
        for pid in _workers(log)[1:]:  # the two live workers both serve v1
            assert re.search(rf"\[{pid}\] graphsvc.api: (reload \(watch\): reloaded; )?"
                             rf"serving {v1}", text), text[-3000:]
        assert "Traceback" not in text
        assert text.count("Started server process") == 3  # no worker restarted for bad data

        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_several_workers_start_from_a_warm_snapshot_without_reading_it_first(
        tiny_copy: Callable[..., Path], tmp_path: Path) -> None:
    """`--workers 2` with a current snapshot that holds its warm-up: the supervisor reads only
    the snapshot's summary and links the snapshot to the workers, which serve it warm; once the
    seed is broken there is no current snapshot, and the start is refused as without one."""
    import graphsvc
    from graphsvc.api.warm import warm
    from graphsvc.network import save_snapshot

    seed = tiny_copy()
    net = warm(graphsvc.load(seed, snapshot=True, serving=True))
    assert save_snapshot(net) is not None
    log = tmp_path / "server.log"
    base, proc = start_serve(seed, "--workers", "2", log=log)
    try:
        wait_ready(base, proc)
        _wait_for(lambda: len(_workers(log)) == 2)
        assert f"{net!r} on {base} (2 workers, from its snapshot)" in log.read_text()
        assert _versions(base, 10) == {net.data_version}
        for _ in range(10):
            meta = httpx.get(f"{base}/v1/meta", timeout=10).json()
            assert meta["report"]["from_snapshot"] and meta["report"]["nodes"] == \
                net.graph.number_of_nodes()
        hits = httpx.get(f"{base}/v1/search", params={"q": "黄山店"}, timeout=10)
        assert hits.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    (seed / "divisions.csv").write_text((seed / "divisions.csv").read_text(encoding="utf-8")
                                        .replace("990101101,township", "990101101,castle"),
                                        encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "graphsvc", "serve", "--workers", "2", "--port",
         str(free_port()), "--seed", str(seed)], cwd=ROOT, capture_output=True, text=True,
        timeout=60)
    assert refused.returncode == 1
    assert "divisions.csv" in refused.stderr and "castle" in refused.stderr


def test_a_supervisor_of_workers_does_not_import_the_app() -> None:
    """`serve --workers N` spawns workers that build the app; the supervisor needs the
    settings, the shared directory and the state only (FastAPI and the routes: 0.4 s of its
    start). In a fresh interpreter: other tests import the app."""
    check = ("import sys\n"
             "from graphsvc.cli.serve import settings_from, _supervise\n"
             "from graphsvc.api.state import link_snapshot, warm_start\n"
             "from graphsvc.api.settings import Settings\n"
             "from graphsvc.api.shared import SharedDir\n"
             "import graphsvc.api\n"
             "assert 'fastapi' not in sys.modules and 'graphsvc.api.app' not in sys.modules\n"
             "assert graphsvc.api.Settings is Settings and callable(graphsvc.api.create_app)\n"
             "assert 'graphsvc.api.app' in sys.modules\n"
             "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
