"""A real `graphsvc serve` for the tests that need one (API, map, docs examples, client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


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


def start_serve(seed: Path, *flags: str, log: Path | None = None,
                env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen[str]]:
    """A real `graphsvc serve` of `seed` on a free loopback port (not yet ready); its output
    goes to a pipe, or to the file `log` (read it while the server runs)."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    environ["PYTHONPATH"] = str(ROOT) + os.pathsep + environ.get("PYTHONPATH", "")
    environ.update(env or {})
    out = log.open("w", encoding="utf-8") if log is not None else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--seed", str(seed), *flags],
        cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT, text=True)
    if log is not None:
        out.close()  # type: ignore[union-attr]
    return f"http://127.0.0.1:{port}", proc
