"""A real `graphsvc serve` process on a free loopback port: query, SIGHUP reload, SIGTERM stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from graphsvc.snapshot import snapshot_dir

ROOT = Path(__file__).resolve().parent.parent
NEW_FACT = "990101101204,indicator,collective_income,3000000,yuan,,2022,,T2,added by a test\n"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs POSIX signals")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited: {proc.stdout.read() if proc.stdout else ''}"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server not ready in time")


def start_serve(seed: Path, *flags: str) -> tuple[str, subprocess.Popen[str]]:
    """A real `graphsvc serve` of `seed` on a free loopback port (not yet ready)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--seed", str(seed), *flags],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return f"http://127.0.0.1:{port}", proc


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


def test_serve_refuses_a_bad_seed_at_start(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy(edits={"divisions.csv": ("990101101,township", "990101101,castle")})
    proc = subprocess.run(
        [sys.executable, "-m", "graphsvc", "serve", "--port", str(free_port()), "--seed",
         str(seed)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "divisions.csv" in proc.stderr and "castle" in proc.stderr


def test_several_workers(tiny_copy: Callable[..., Path]) -> None:
    """`--workers 2`: the seed is checked once, a snapshot is left for the workers, both serve."""
    seed = tiny_copy()
    base, proc = start_serve(seed, "--workers", "2")
    try:
        wait_ready(base, proc)
        assert list(snapshot_dir(seed).glob("network-*.pickle"))  # in the user cache
        assert not (seed / ".graphsvc-cache").exists()  # never beside the seed
        for _ in range(20):  # spread over both workers
            r = httpx.get(f"{base}/v1/entities/990101101202", timeout=10)
            assert r.status_code == 200 and r.json()["name"] == "乙村"
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
