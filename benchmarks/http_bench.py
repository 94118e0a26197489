"""HTTP benchmark: a real `graphsvc serve` (uvicorn, one worker) on loopback, driven by wrk.

Compares the requests per second of a trivial endpoint (/healthz) with the single-entity lookup
and the neighbourhood of an entity. Target: entity lookup >= 0.8 x /healthz.

    python benchmarks/http_bench.py [--seconds 10] [--connections 32] [--seed DIR]

Uses `wrk` (Debian package `wrk`) when present, else a bounded asyncio/httpx client.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ENTITY = "110111009212"  # 黄山店村 in the bundled seed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM a server started by `start_server`, then kill it if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_server(port: int, seed: str | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning"]
    if seed:
        cmd += ["--seed", seed]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def run_wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    assert m, out
    return float(m.group(1))


async def _client(url: str, seconds: int, connections: int) -> float:
    done = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits) as client:
        async def worker() -> None:
            nonlocal done
            while time.monotonic() < stop:
                r = await client.get(url)
                r.raise_for_status()
                done += 1
        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.monotonic() - start)


def measure(url: str, seconds: int, connections: int) -> float:
    if shutil.which("wrk"):
        return run_wrk(url, seconds, connections)
    return asyncio.run(_client(url, seconds, connections))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=10, help="duration of each run (default 10)")
    ap.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    ap.add_argument("--seed", help="seed directory (default: bundled)")
    ap.add_argument("--entity", default=ENTITY, help="entity id to look up")
    args = ap.parse_args()
    port = free_port()
    proc = start_server(port, args.seed)
    base = f"http://127.0.0.1:{port}"
    tool = "wrk" if shutil.which("wrk") else "httpx (asyncio)"
    try:
        entity = f"/v1/entities/{args.entity}"
        targets = [("trivial  GET /healthz", "/healthz"),
                   ("entity   GET /v1/entities/{id}", entity),
                   ("neighbors GET /v1/entities/{id}/neighbors", f"{entity}/neighbors")]
        for _, path in targets:  # warm up (and check every path answers 200)
            httpx.get(base + path, timeout=10).raise_for_status()
        rates = {}
        for label, path in targets:
            rates[label] = measure(base + path, args.seconds, args.connections)
            print(f"{label:45s} {rates[label]:9.0f} req/s", flush=True)
        trivial = rates[targets[0][0]]
        print(f"load generator: {tool}, {args.connections} connections, {args.seconds} s each, "
              f"1 uvicorn worker, loopback, {os.cpu_count()} CPUs")
        for label, _ in targets[1:]:
            print(f"ratio {label.split()[0]:10s} / trivial = {rates[label] / trivial:.2f}")
        ok = rates[targets[1][0]] / trivial >= 0.8
        print("target (entity >= 0.8 x trivial):", "met" if ok else "NOT met")
        return 0 if ok else 1
    finally:
        stop_server(proc)


if __name__ == "__main__":
    raise SystemExit(main())
