"""Time to ready and the first page of every list answer, through a real `graphsvc serve`.

    python benchmarks/ready_bench.py --seed DIR [--workers 1] [--runs 3]

Starts `graphsvc serve` on a seed (with a current snapshot, as a restart finds it), polls
`/readyz` until it says ready, then asks every hot endpoint once: the first answer after ready
must come at warm speed (the indexes are built before `/readyz` says ready). Then measures the
first page (`limit=100`) of every list answer: its first request, its warm latency (median of 5)
and its size. Prints JSON (the suite in `python -m benchmarks` turns it into table rows).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from http_bench import free_port  # type: ignore[import-not-found]  # noqa: E402

LISTS = {
    "gaps": "/v1/queries/gaps",
    "coverage": "/v1/coverage",
    "group metrics": "/v1/queries/group-metrics",
    "outcomes": "/v1/outcomes",
    "weak-linked": "/v1/queries/weak-linked",
    "communities": "/v1/communities",
}
"""The list answers. Communities are not warmed (Louvain over the organisational subgraph, about
a minute nationally): their first request computes them, once per process and data version."""


def hot_paths(base: str, client: httpx.Client) -> dict[str, str]:
    """The hot endpoints, with an entity and a search text taken from the data being served."""
    town = client.get(f"{base}/v1/entities", params={"kind": "township", "limit": 1}).json()
    tid = town["data"][0]["id"]
    village = client.get(f"{base}/v1/entities",
                         params={"kind": "village", "township": tid, "limit": 1}).json()
    vid, name = village["data"][0]["id"], village["data"][0]["name"]
    return {
        "entity": f"/v1/entities/{vid}",
        "neighbours": f"/v1/entities/{vid}/neighbors",
        "search": f"/v1/search?q={name}",
        "weak-linked (first page)": "/v1/queries/weak-linked",
        "gaps (first page)": "/v1/queries/gaps",
        "coverage (first page)": "/v1/coverage",
        "status (entity of a township)": f"/v1/entities/{vid}?township={tid}",
    }


def rss_of(pids: list[int], field: str = "VmHWM") -> dict[str, float]:
    """Peak (VmHWM, the default) or current (VmRSS) resident memory of each process, in MiB."""
    out = {}
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        out[str(pid)] = round(int(fields[field].split()[0]) / 1024, 1)
    return out


def cpu_of(pids: list[int]) -> float:
    """CPU time (user + system) the processes used so far, in seconds (/proc/PID/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Every descendant process id of `pid`."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        for k in kids:
            found.append(int(k))
            found += children(int(k))
    return found


def measure(
    seed: str,
    workers: int,
    lists: bool,
    after_ready: Callable[[str, httpx.Client], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One start of `graphsvc serve`: time to ready, first hot answers, list pages, memory.

    `after_ready(base_url, client)`, if given, runs once the first answers are measured, while
    the server is up; what it returns is under "after" (the peak RSS is read after it)."""
    port = free_port()
    cmd = [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning", "--seed", seed, "--workers", str(workers)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    out: dict[str, Any] = {"workers": workers}
    try:
        with httpx.Client(timeout=900) as client:
            activity = set()
            while True:
                if proc.poll() is not None:
                    raise SystemExit("graphsvc serve exited before it was ready")
                try:
                    r = client.get(f"{base}/readyz", timeout=2)
                    if r.status_code == 200:
                        break
                    if r.json().get("activity"):
                        activity.add(r.json()["activity"].split(" (")[0])
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            out["ready_s"] = time.perf_counter() - t0
            # the CPU time the server used to get ready (every worker's, with several): far
            # less disturbed by other jobs than the wall clock
            out["ready_cpu_s"] = cpu_of([proc.pid, *children(proc.pid)])
            out["warming_seen"] = sorted(activity)
            first = {}
            for name, path in hot_paths(base, client).items():
                t1 = time.perf_counter()
                client.get(base + path).raise_for_status()
                first[name] = (time.perf_counter() - t1) * 1000
            out["first_ms"] = first
            if workers > 1:
                # the workers load one after another (the first serves meanwhile): when was
                # the last one done, that is, every worker big and idle (no CPU for 0.5 s)?
                last_cpu: dict[int, float] = {}
                while time.perf_counter() - t0 < 900:
                    kids = children(proc.pid)
                    rss = rss_of(kids, "VmRSS")
                    big = [k for k in kids if rss.get(str(k), 0) > 500]
                    now = {k: cpu_of([k]) for k in big}
                    if len(big) >= workers and all(
                            k in last_cpu and now[k] - last_cpu[k] < 0.05 for k in big):
                        break
                    last_cpu = now
                    time.sleep(0.5)
                out["all_workers_s"] = time.perf_counter() - t0
            if lists:
                pages = {}
                for name, path in LISTS.items():
                    before = sum(rss_of([proc.pid, *children(proc.pid)], "VmRSS").values())
                    t1 = time.perf_counter()
                    r = client.get(base + path, params={"limit": 100})
                    r.raise_for_status()
                    cold = time.perf_counter() - t1
                    warm = []
                    for _ in range(5):
                        t1 = time.perf_counter()
                        client.get(base + path, params={"limit": 100}).raise_for_status()
                        warm.append((time.perf_counter() - t1) * 1000)
                    after = sum(rss_of([proc.pid, *children(proc.pid)], "VmRSS").values())
                    pages[name] = {"first_s": cold, "warm_ms": statistics.median(warm),
                                   "bytes": len(r.content), "total": r.json().get("total"),
                                   "rss_growth_mb": round(after - before, 1)}
                out["pages"] = pages
            if after_ready is not None:
                out["after"] = after_ready(base, client)
            pids = [proc.pid, *children(proc.pid)]
            out["peak_rss_mb"] = rss_of(pids)
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return out


def main() -> int:
    """Measure and print JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-lists", action="store_true")
    args = ap.parse_args()
    print(json.dumps(measure(args.seed, args.workers, not args.no_lists),
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
