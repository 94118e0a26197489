"""Reliability under load, measured: what docs/reliability.md reports.

A real `graphsvc serve --workers N` (uvicorn, loopback) on a copy of the bundled seed, with an
admin token. Four runs:

1. steady load: `wrk` (Debian package `wrk`; else the asyncio client) for `--seconds` at
   `--connections` on a mix of entity lookups, neighbourhoods, searches and /v1/meta:
   requests/s, p50/p99, errors, and the RSS of the server processes before and after;
2. reloads under load: the asyncio client checks every answer (200; /v1/meta's body holds its
   ETag's version; one entity changes between the two good versions and its body must match its
   ETag; equal ETags give equal bodies) while 20 good reloads (two seed versions, alternating)
   and 20 bad ones (10 with an error, 10 that would drop most relations) go through the API and
   SIGHUP;
3. a heavy request in flight: entity-lookup p99 at a light load alone, then while a first
   /v1/metrics computation (each `top` is computed afresh) is always in flight;
4. kill -9: one worker during load (what fails, how soon it is replaced, what it serves), then
   the whole server (its process group) during load, and a restart: the version served.

    python -m benchmarks.reliability [--seconds 60] [--connections 64] [--workers 2] [--json F]

The machine is shared and has 2 cores; the load generator runs on it too.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "reliability-admin"
ENTITY = "110111009212"  # 黄山店村: the entity the two good versions differ on
MARKER = "reliability-run-marker"
GOOD_FACT = f"{ENTITY},indicator,jobs_created,7,,,2023,,S4,{MARKER}\n"
BAD_RELATION = f"{ENTITY},member_of,org.does-not-exist,member,2021,,S1,\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the server --------------------------------------------------------------------------
@dataclass
class Server:
    """A `graphsvc serve` process group on a port, with its log file."""

    seed: Path
    workers: int
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait until ready; the seconds it took."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
        env.update(PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
                   GRAPHSVC_ADMIN_TOKEN=ADMIN)
        started = time.monotonic()
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "graphsvc", "serve", "--port", str(self.port),
                 "--seed", str(self.seed), "--workers", str(self.workers)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        while time.monotonic() - started < 900:  # a national seed loads and warms for minutes
            try:
                if httpx.get(self.base + "/readyz", timeout=1).status_code == 200 and (
                        self.workers == 1 or len(self.worker_pids()) == self.workers):
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"server not ready; see {self.log}")

    def children(self) -> list[int]:
        assert self.proc is not None
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]

    def worker_pids(self) -> list[int]:
        """The uvicorn workers (not multiprocessing's resource tracker)."""
        out = []
        for pid in self.children():
            try:
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    out.append(pid)
            except OSError:
                continue
        return out

    def rss_mib(self) -> float:
        """Resident memory of the supervisor and its workers, MiB."""
        assert self.proc is not None
        total = 0
        for pid in [self.proc.pid, *self.children()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            m = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(m.group(1)) if m else 0
        return total / 1024

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def kill9(self) -> None:
        """kill -9 the whole process group: supervisor and workers."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def meta(self) -> dict[str, Any]:
        data: dict[str, Any] = httpx.get(self.base + "/v1/meta", timeout=30).json()
        return data


# -- the checking load generator -----------------------------------------------------------
@dataclass
class Tally:
    """Every answer of a run, checked."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    bodies: dict[tuple[str, str], str] = field(default_factory=dict)
    versions: Counter[str] = field(default_factory=Counter)
    marker_versions: dict[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.statuses.values()) + len(
            [f for f in self.failures if f.startswith("transport")])

    def record(self, kind: str, path: str, seconds: float, r: httpx.Response) -> None:
        self.statuses[r.status_code] += 1
        self.latencies.setdefault(kind, []).append(seconds)
        if r.status_code != 200:
            self.failures.append(f"{r.status_code} {path}: {r.text[:200]}")
            return
        etag = r.headers.get("etag", "").strip('"')
        self.versions[etag] += 1
        digest = hashlib.sha256(r.content).hexdigest()
        if kind == "meta" and r.json()["data_version"] != etag:
            self.mismatches.append(f"{path}: body {r.json()['data_version']}, ETag {etag}")
        if path.endswith(f"/entities/{ENTITY}"):
            has = MARKER in r.text
            if self.marker_versions.setdefault(etag, has) != has:
                self.mismatches.append(f"{path}: version {etag} with and without the marker")
        if kind != "meta" and self.bodies.setdefault((path, etag), digest) != digest:
            self.mismatches.append(f"{path}: two bodies for version {etag}")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


async def load(base: str, paths: list[tuple[str, str]], connections: int, stop: asyncio.Event,
               tally: Tally) -> None:
    """`connections` clients cycling through `paths` until `stop`."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def one(offset: int) -> None:
            i = offset
            while not stop.is_set():
                kind, path = paths[i % len(paths)]
                i += 1
                started = time.perf_counter()
                try:
                    r = await client.get(path)
                except httpx.HTTPError as exc:
                    tally.failures.append(f"transport {path}: {type(exc).__name__} {exc}")
                    continue
                tally.record(kind, path, time.perf_counter() - started, r)

        await asyncio.gather(*(one(k * 7) for k in range(connections)))


def mix(ids: list[str]) -> list[tuple[str, str]]:
    """The request mix: mostly entity lookups, then neighbourhoods, searches and /v1/meta."""
    paths: list[tuple[str, str]] = []
    for n, ref in enumerate(ids):
        paths.append(("lookup", f"/v1/entities/{ref}"))
        if n % 3 == 0:
            paths.append(("neighbors", f"/v1/entities/{ref}/neighbors"))
        if n % 10 == 0:
            paths.append(("meta", "/v1/meta"))
    paths += [("search", "/v1/search?q=hsd"), ("search", "/v1/search?q=%E6%9D%91"),
              ("lookup", f"/v1/entities/{ENTITY}")] * 3
    return paths


# -- the runs ------------------------------------------------------------------------------
def steady(server: Server, paths: list[tuple[str, str]], seconds: int, connections: int,
           tmp: Path) -> dict[str, Any]:
    for _, path in paths:  # warm the caches of every worker a little, check every path
        httpx.get(server.base + path, timeout=30).raise_for_status()
    rss_before = server.rss_mib()
    if shutil.which("wrk"):
        script = tmp / "mix.lua"
        listed = ",".join(json.dumps(p) for _, p in paths)
        script.write_text(f"local paths = {{{listed}}}\nlocal i = 0\n"
                          "request = function()\n  i = i + 1\n"
                          "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                              "-s", str(script), server.base], capture_output=True, text=True,
                             timeout=seconds + 60).stdout
        rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
        total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        sock = re.search(r"Socket errors: (.*)", out)
        result: dict[str, Any] = {"tool": "wrk 2 threads", "requests": total, "rps": round(rate),
                  "p50_ms": _wrk_ms(out, "50%"), "p99_ms": _wrk_ms(out, "99%"),
                  "errors": int(errors.group(1)) if errors else 0,
                  "socket_errors": sock.group(1) if sock else "none"}
    else:
        tally = Tally()
        started = time.monotonic()
        asyncio.run(_timed(server.base, paths, connections, seconds, tally))
        every = [x for xs in tally.latencies.values() for x in xs]
        result = {"tool": "asyncio/httpx client", "requests": tally.total,
                  "rps": round(tally.total / (time.monotonic() - started)),
                  "p50_ms": round(pct(every, 0.5), 2), "p99_ms": round(pct(every, 0.99), 2),
                  "errors": len(tally.failures), "socket_errors": "none"}
    time.sleep(2)
    result.update(rss_before_mib=round(rss_before, 1), rss_after_mib=round(server.rss_mib(), 1))
    result["rss_growth_percent"] = round(
        100 * (result["rss_after_mib"] - rss_before) / rss_before, 1)
    return result


def _wrk_ms(out: str, label: str) -> float:
    m = re.search(rf"^\s+{re.escape(label)}\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)


async def _timed(base: str, paths: list[tuple[str, str]], connections: int, seconds: float,
                 tally: Tally) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, stop.set)
    await load(base, paths, connections, stop, tally)


def reloads(server: Server, paths: list[tuple[str, str]], connections: int, good: int,
            bad: int) -> dict[str, Any]:
    facts = server.seed / "facts.csv"
    relations = server.seed / "relations.csv"
    state_a, rel_a = facts.read_text(encoding="utf-8"), relations.read_text(encoding="utf-8")
    state_b = state_a + ("" if state_a.endswith("\n") else "\n") + GOOD_FACT
    no_facts = "".join(ln for ln in state_a.splitlines(keepends=True)
                       if ln.startswith(("entity,", "#")))  # valid, but drops every fact
    outcomes: Counter[str] = Counter()
    wrong: list[str] = []
    tally = Tally()

    def reload_via(trigger: str) -> dict[str, Any]:
        if trigger == "api":
            r = httpx.post(server.base + "/v1/admin/reload", timeout=60,
                           headers={"Authorization": f"Bearer {ADMIN}"})
            last = server.meta()["last_reload"]
            return {"status": r.status_code, **last}
        before = (server.meta()["last_reload"] or {}).get("at")
        assert server.proc is not None
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            last = server.meta()["last_reload"] or {}
            if last.get("at") != before and last.get("trigger") == "sighup":
                return dict(last)
            time.sleep(0.1)
        return {"outcome": "timeout"}

    async def drive() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(load(server.base, paths, connections, stop, tally))
        await asyncio.sleep(2)
        current = state_a
        plan = []
        for i in range(max(good, bad)):
            if i < good:
                plan.append(("good", "api" if i % 2 == 0 else "sighup"))
            if i < bad:
                plan.append(("invalid" if i % 2 == 0 else "refused",
                             "sighup" if i % 4 < 2 else "api"))
        for what, trigger in plan:
            if what == "good":
                current = state_b if current == state_a else state_a
                facts.write_text(current, encoding="utf-8")
            elif what == "invalid":
                relations.write_text(rel_a + BAD_RELATION, encoding="utf-8")
            else:
                facts.write_text(no_facts, encoding="utf-8")
            last = await asyncio.to_thread(reload_via, trigger)
            outcome = last.get("outcome", "?")
            outcomes[f"{what} via {trigger}: {outcome}"] += 1
            expected = {"good": "ok", "invalid": "invalid", "refused": "refused"}[what]
            if outcome != expected:
                wrong.append(f"{what} via {trigger}: {outcome} {last.get('message', '')}")
            relations.write_text(rel_a, encoding="utf-8")  # back to the good version serving
            facts.write_text(current, encoding="utf-8")
            await asyncio.sleep(1.0)
        await asyncio.sleep(2)
        stop.set()
        await task

    baseline = Tally()  # the same checking client without reloads, for comparison
    asyncio.run(_timed(server.base, paths, connections, 10, baseline))
    base_all = [x for xs in baseline.latencies.values() for x in xs]
    started = time.monotonic()
    asyncio.run(drive())
    facts.write_text(state_a, encoding="utf-8")  # the seed as bundled, serving again
    if reload_via("api").get("outcome") != "ok":
        wrong.append("the final reload back to the bundled seed failed")
    every = [x for xs in tally.latencies.values() for x in xs]
    return {"requests": tally.total, "seconds": round(time.monotonic() - started, 1),
            "failed": len(tally.failures), "failures": tally.failures[:10],
            "body_etag_mismatches": len(tally.mismatches), "mismatches": tally.mismatches[:10],
            "versions_served": dict(tally.versions), "outcomes": dict(outcomes),
            "unexpected_outcomes": wrong, "p50_ms": round(pct(every, 0.5), 2),
            "p99_ms": round(pct(every, 0.99), 2),
            "baseline_without_reloads": {
                "requests": baseline.total, "failed": len(baseline.failures),
                "p50_ms": round(pct(base_all, 0.5), 2), "p99_ms": round(pct(base_all, 0.99), 2)}}


RELATIONS = ("part_of", "member_of", "partner_of", "guides", "initiated", "organisation_of",
             "covers", "within", "party_group_of", "located_in", "develops")


def heavy_path(n: int) -> str:
    """The n-th of the heaviest uncached requests the bundled seed has (each ~0.1-0.8 s alone):
    new options each time, so never answered from the cache."""
    kind = n % 4
    if kind == 0:
        return (f"/v1/entities/110111009212/recommendations?scope=district"
                f"&weights=adjacent:{1 + n / 1000}")
    if kind == 1:
        return f"/v1/export/graph.gexf?year={1950 + n % 150}&color_by=status"
    if kind == 2:
        chosen = [r for i, r in enumerate(RELATIONS) if (n // 4 + 1) >> i & 1] or ["part_of"]
        return "/v1/entities/110111/neighbors?hops=3&" + "&".join(f"relation={r}" for r in chosen)
    return f"/v1/metrics?top={1 + n % 500}"


def heavy(server: Server, ids: list[str], connections: int, seconds: float) -> dict[str, Any]:
    """Lookup latency without and with a heavy request always in flight, in alternating
    windows of 4 s (the machine is shared: alternating spreads its noise over both)."""
    lookups = [("lookup", f"/v1/entities/{ref}") for ref in ids]
    for _, path in lookups:
        httpx.get(server.base + path, timeout=30)
    alone, busy = Tally(), Tally()
    heavy_times: list[float] = []
    counter = iter(range(1, 1_000_000))

    async def window(with_heavy: bool) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(load(server.base, lookups, connections, stop,
                                        busy if with_heavy else alone))
        deadline = time.monotonic() + 4
        if with_heavy:
            async with httpx.AsyncClient(base_url=server.base, timeout=120) as client:
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    r = await client.get(heavy_path(next(counter)))
                    r.raise_for_status()
                    heavy_times.append(time.perf_counter() - started)
        else:
            await asyncio.sleep(4)
        stop.set()
        await task

    async def alternate() -> None:
        for _ in range(max(1, int(seconds // 4))):
            await window(False)
            await window(True)

    asyncio.run(alternate())
    p99_alone, p99_busy = (pct(t.latencies["lookup"], 0.99) for t in (alone, busy))
    return {"connections": connections, "windows": max(1, int(seconds // 4)),
            "lookups_alone": alone.total, "lookups_with_heavy": busy.total,
            "p50_alone_ms": round(pct(alone.latencies["lookup"], 0.5), 2),
            "p99_alone_ms": round(p99_alone, 2),
            "p50_with_heavy_ms": round(pct(busy.latencies["lookup"], 0.5), 2),
            "p99_with_heavy_ms": round(p99_busy, 2), "ratio_p99": round(p99_busy / p99_alone, 2),
            "heavy_requests": len(heavy_times),
            "heavy_median_s": round(statistics.median(heavy_times), 3) if heavy_times else None,
            "failed": len(alone.failures) + len(busy.failures)}


def kills(server: Server, paths: list[tuple[str, str]], connections: int) -> dict[str, Any]:
    version = server.meta()["data_version"]
    out: dict[str, Any] = {"version_before": version}
    if server.workers > 1:
        tally = Tally()
        victim = server.worker_pids()[0]

        async def drive() -> float:
            stop = asyncio.Event()
            task = asyncio.create_task(load(server.base, paths, connections, stop, tally))
            await asyncio.sleep(3)
            os.kill(victim, signal.SIGKILL)
            killed = time.monotonic()
            replaced = float("nan")
            while time.monotonic() - killed < 60:
                pids = server.worker_pids()
                if victim not in pids and len(pids) == server.workers:
                    replaced = time.monotonic() - killed
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(3)
            stop.set()
            await task
            return replaced

        replaced = asyncio.run(drive())
        out["one_worker"] = {"requests": tally.total, "failed": len(tally.failures),
                             "failures": Counter(f.split(":")[0] for f in tally.failures),
                             "replaced_after_s": round(replaced, 2),
                             "versions_served": dict(tally.versions)}
    tally = Tally()

    async def crash() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(load(server.base, paths, connections, stop, tally))
        await asyncio.sleep(3)
        server.kill9()
        await asyncio.sleep(0.5)
        stop.set()
        await task

    asyncio.run(crash())
    out["whole_server_requests_before_kill"] = tally.total - len(tally.failures)
    out["restart_ready_s"] = round(server.start(), 2)
    after = server.meta()["data_version"]
    out["version_after_restart"] = after
    out["same_version"] = after == version
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=60, help="steady load duration (default 60)")
    ap.add_argument("--connections", type=int, default=64, help="connections (default 64)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    ap.add_argument("--reloads", type=int, default=20, help="good and bad reloads (20 each)")
    ap.add_argument("--heavy-seconds", type=float, default=40,
                    help="each of the two heavy runs, in 4 s windows (default 40)")
    ap.add_argument("--runs", default="steady,reloads,heavy,kill",
                    help="which runs, comma-separated (default all four)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--seed", type=Path,
                    help="serve this seed directory as it is (e.g. the national scenario of "
                         "`python -m benchmarks`) instead of a copy of the bundled seed; only "
                         "the steady and heavy runs, which do not edit the seed")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="graphsvc-reliability-"))
    if args.seed is not None:
        if set(args.runs.split(",")) - {"steady", "heavy"}:
            ap.error("--seed serves a seed it must not edit: use --runs steady,heavy")
        seed = args.seed.resolve()
    else:
        seed = tmp / "seed"
        shutil.copytree(ROOT / "seed", seed, ignore=shutil.ignore_patterns(".*"))
    server = Server(seed, args.workers, tmp / "server.log")
    results: dict[str, Any] = {"cpus": os.cpu_count(), "workers": args.workers,
                               "connections": args.connections}
    try:
        results["start_s"] = round(server.start(), 2)
        ids = [e["id"] for e in httpx.get(server.base + "/v1/entities?limit=200",
                                          timeout=30).json()["data"]]
        paths = mix(ids)
        runs = args.runs.split(",")
        if "steady" in runs:
            print("1. steady load ...", flush=True)
            results["steady"] = steady(server, paths, args.seconds, args.connections, tmp)
            print(json.dumps(results["steady"], indent=1), flush=True)
        if "reloads" in runs:
            print("2. reloads under load ...", flush=True)
            results["reloads"] = reloads(server, paths, args.connections, args.reloads,
                                         args.reloads)
            print(json.dumps(results["reloads"], indent=1, ensure_ascii=False), flush=True)
        if "heavy" in runs:
            print("3. a heavy request in flight ...", flush=True)
            results["heavy"] = heavy(server, ids[:100], 8, args.heavy_seconds)
            print(json.dumps(results["heavy"], indent=1), flush=True)
        if "kill" in runs:
            print("4. kill -9 ...", flush=True)
            results["kill"] = kills(server, paths, args.connections)
            print(json.dumps(results["kill"], indent=1, default=str), flush=True)
        log = server.log.read_text()
        results["tracebacks_in_log"] = log.count("Traceback")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    checks = []
    if "steady" in results:
        checks += [results["steady"]["errors"] == 0,
                   results["steady"]["rss_growth_percent"] <= 10]
    if "reloads" in results:
        checks += [results["reloads"]["failed"] == 0,
                   results["reloads"]["body_etag_mismatches"] == 0,
                   not results["reloads"]["unexpected_outcomes"]]
    if "heavy" in results:
        checks.append(results["heavy"]["ratio_p99"] <= 2)
    if "kill" in results:
        checks.append(results["kill"]["same_version"])
    ok = all(checks)
    print("all checks held" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
