"""The ceiling of one machine: the national scenario at 1x, 2x and 4x the register's size.

    python -m benchmarks.scale [--sizes 1,2,4] [--work DIR] [--write]

For each size, the S2 register is replicated (1x is the register itself; every further copy
gets new codes and names and is marked SYNTHETIC, see `replicate`), `graphsvc synth` invents
organisations and facts over it as for the suite, and one process at a time measures: a cold
load, a cold load that writes its snapshot, a warm start (each in its own process, with its
maximum RSS), then `graphsvc serve` until `/readyz` is 200 and the p50 of a few hot
endpoints. Everything is made under the work directory at benchmark time and never committed.
Results are kept in `WORK/results.json` (one size at a time: rerun with `--sizes 4` later);
`--write` puts the table into docs/scale.md between the scale markers.

A size whose peak memory could exceed what is free is not started: `--min-free-gib` (default
3 GiB per 1x) is checked against MemAvailable before each size.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.__main__ import CACHE, ROOT, _graphsvc, log, probe, register_dir

sys.path.insert(0, str(ROOT / "benchmarks"))
import ready_bench  # type: ignore[import-not-found]  # noqa: E402

MARK_START = "<!-- scale:start -->"
MARK_END = "<!-- scale:end -->"
HEADER = ["code", "kind", "subtype", "name", "register_name", "parent", "source"]
SAMPLE = 60  # distinct villages asked per endpoint
MACHINE_GIB = 24.0


def replica_prefix(replica: int, index: int) -> str:
    """The county code of the `index`-th county in copy `replica` (2..9): `9<replica><index>`.

    Real county codes start with 1-6 (province codes 11-65), so a code starting with 9 never
    collides with the register; every township and village code below keeps its own digits
    after the county's six."""
    return f"9{replica}{index:04d}"


def replicate(register_csv: Path, out_dir: Path, factor: int) -> int:
    """Write `out_dir/divisions.csv`: the register, then `factor - 1` SYNTHETIC copies of it.

    Copy r (2..factor) renumbers every county (`replica_prefix`), keeps the rest of each code,
    names every unit `<name>（合成r）` and cites the source SYNTH, never S2: the copies are not
    in any register. Returns the number of rows written."""
    if not 1 <= factor <= 9:
        raise SystemExit(f"--sizes: a factor from 1 to 9, not {factor}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with register_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    counties = sorted({r["code"][:6] for r in rows})
    if len(counties) > 9999:
        raise SystemExit(f"{len(counties)} counties do not fit in the replica codes")
    n = 0
    with (out_dir / "divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow([r.get(c, "") for c in HEADER])
        n += len(rows)
        for replica in range(2, factor + 1):
            county = {c: replica_prefix(replica, i) for i, c in enumerate(counties)}
            mark = f"（合成{replica}）"
            for r in rows:
                code, parent = r["code"], r.get("parent", "")
                w.writerow([
                    county[code[:6]] + code[6:], r["kind"], r.get("subtype", ""),
                    r["name"] + mark, (r.get("register_name") or r["name"]) + mark,
                    county[parent[:6]] + parent[6:] if parent else "", "SYNTH",
                ])
            n += len(rows)
    return n


def scenario_at(work: Path, register_seed: Path, factor: int) -> Path:
    """The SYNTHETIC scenario at `factor` times the register (made once per work dir)."""
    reg, syn = work / f"{factor}x" / "register", work / f"{factor}x" / "scenario"
    if not (syn / "facts.csv").exists():
        log(f"{factor}x: replicating the register")
        replicate(register_seed / "divisions.csv", reg, factor)
        log(f"{factor}x: making the SYNTHETIC scenario (graphsvc synth)")
        _graphsvc("synth", "--from", str(reg), "--out", str(syn))
        shutil.rmtree(reg)  # synth copied divisions.csv into the scenario
    return syn


def village_sample(seed: Path, k: int = SAMPLE) -> list[tuple[str, str]]:
    """(code, name) of `k` villages drawn across every copy of the register (random seed 7)."""
    with (seed / "divisions.csv").open(encoding="utf-8", newline="") as fh:
        villages = [(r["code"], r["name"]) for r in csv.DictReader(fh) if r["kind"] == "village"]
    return random.Random(7).sample(villages, k)


def hot_p50(villages: list[tuple[str, str]]) -> Any:
    """A callback for `ready_bench.measure`: p50/p95 of each hot endpoint, in ms, and the
    network's size from /v1/meta."""

    def run(base: str, client: httpx.Client) -> dict[str, Any]:
        paths = {
            "entity": [f"/v1/entities/{c}" for c, _ in villages],
            "neighbours": [f"/v1/entities/{c}/neighbors" for c, _ in villages],
            "search": [f"/v1/search?q={n}" for _, n in villages],
            "weak-linked (first page)": ["/v1/queries/weak-linked?limit=100"] * len(villages),
        }
        out: dict[str, Any] = {}
        for name, urls in paths.items():
            times = []
            for url in urls:
                t0 = time.perf_counter()
                client.get(base + url).raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[name] = {"p50_ms": statistics.median(times),
                         "p95_ms": times[int(0.95 * (len(times) - 1))]}
        report = client.get(base + "/v1/meta").json()["report"]
        out["nodes"], out["edges"] = report["nodes"], report["edges"]
        return out

    return run


def mem_available_gib() -> float:
    """MemAvailable from /proc/meminfo, in GiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def measure_size(work: Path, register_seed: Path, factor: int) -> dict[str, Any]:
    """Every measure at one size, one process at a time."""
    from graphsvc.loader.snapshot import snapshot_dir

    seed = scenario_at(work, register_seed, factor)
    res: dict[str, Any] = {"factor": factor, "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                    time.gmtime())}
    log(f"{factor}x: cold load (no snapshot)")
    cold = probe("cold", seed)
    res["cold_s"], res["cold_peak_mb"], res["cold_rss_mb"] = (
        cold["seconds"], cold["peak_mb"], cold["rss_mb"])
    log(f"{factor}x: cold load that writes its snapshot")
    shutil.rmtree(snapshot_dir(seed), ignore_errors=True)
    snap = probe("snapshot", seed)
    res["snapshot_write_s"], res["snapshot_write_peak_mb"] = snap["seconds"], snap["peak_mb"]
    res["snapshot_mb"] = sum(p.stat().st_size for p in snapshot_dir(seed).glob("network-*")) / 2**20
    log(f"{factor}x: warm start (snapshot)")
    warm = probe("warm", seed)
    res["warm_s"], res["warm_peak_mb"] = warm["seconds"], warm["peak_mb"]
    log(f"{factor}x: graphsvc serve until /readyz is 200, then the hot endpoints")
    served = ready_bench.measure(str(seed), 1, lists=False,
                                 after_ready=hot_p50(village_sample(seed)))
    res["ready_s"] = served["ready_s"]
    res["serve_peak_mb"] = max(served["peak_rss_mb"].values())
    after = served["after"]
    res["nodes"], res["edges"] = after.pop("nodes"), after.pop("edges")
    res["p50_ms"] = {k: v["p50_ms"] for k, v in after.items()}
    res["p95_ms"] = {k: v["p95_ms"] for k, v in after.items()}
    shutil.rmtree(snapshot_dir(seed), ignore_errors=True)  # GBs at 4x
    return res


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line y = a + b x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)
    return my - b * mx, b


def ceiling(results: list[dict[str, Any]]) -> list[str]:
    """Where a 24 GiB machine stops being enough: a line fitted to each measured peak."""
    if len(results) < 2:
        return ["(the ceiling needs at least two sizes)"]
    nodes = [r["nodes"] for r in results]
    edges_per_node = statistics.fmean(r["edges"] / r["nodes"] for r in results)
    national = min(r["nodes"] / r["factor"] for r in results)  # the 1x scenario's nodes
    lines = []
    for key, what in (("snapshot_write_peak_mb", "a cold load that writes its snapshot"),
                      ("serve_peak_mb", "`graphsvc serve` (warm start, warm-up, queries)"),
                      ("warm_peak_mb", "a warm start alone")):
        a, b = fit(nodes, [r[key] / 1024 for r in results])
        at = (MACHINE_GIB - a) / b
        lines.append(f"- {what}: {a:+.2f} GiB + {b * 2**20:.2f} KiB per node (with its "
                     f"{edges_per_node:.2f} edges) → 24 GiB at about {at / 1e6:.1f} million "
                     f"nodes, {at / national:.1f}x the national scenario")
    return lines


def table(results: list[dict[str, Any]], note: str = "") -> str:
    """The markdown table and the extrapolation, for docs/scale.md."""
    results = sorted(results, key=lambda r: r["factor"])
    head = ["size", "nodes", "edges", "cold load", "cold load + snapshot write (peak RSS)",
            "warm start (peak RSS)", "snapshot file", "time to ready", "serve peak RSS",
            "p50 entity", "p50 neighbours", "p50 search", "p50 weak-linked page 1"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in results:
        p = r["p50_ms"]
        lines.append("| " + " | ".join([
            f"{r['factor']}x", f"{r['nodes']:,}", f"{r['edges']:,}", f"{r['cold_s']:.0f} s",
            f"{r['snapshot_write_s']:.0f} s ({r['snapshot_write_peak_mb'] / 1024:.2f} GiB)",
            f"{r['warm_s']:.1f} s ({r['warm_peak_mb'] / 1024:.2f} GiB)",
            f"{r['snapshot_mb']:,.0f} MiB", f"{r['ready_s']:.0f} s",
            f"{r['serve_peak_mb'] / 1024:.2f} GiB", f"{p['entity']:.1f} ms",
            f"{p['neighbours']:.1f} ms", f"{p['search']:.1f} ms",
            f"{p['weak-linked (first page)']:.1f} ms"]) + " |")
    dates = ", ".join(f"{r['factor']}x {r['date']}" for r in results)
    return "\n".join([MARK_START, "", *lines, "", f"Measured by `python -m benchmarks.scale`: "
                      f"{dates} (start of each size). {note}".rstrip(), "",
                      "Extrapolated (not measured) from a straight line through the measured "
                      "peaks:", "", *ceiling(results), "", MARK_END])


def main() -> int:
    """Measure the sizes asked for, keep the results, print (and optionally write) the table."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scale",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,2,4",
                    help="comma list of factors (default 1,2,4; empty: the kept results only)")
    ap.add_argument("--work", default=str(CACHE / "bench" / "scale"), help="work directory")
    ap.add_argument("--register", help="directory of the S2 register files (default: fetch)")
    ap.add_argument("--min-free-gib", type=float, default=3.0,
                    help="GiB of MemAvailable needed per 1x before a size starts (default 3)")
    ap.add_argument("--write", action="store_true", help="write the table into docs/scale.md")
    ap.add_argument("--note", default="", help="a sentence on the conditions, under the table")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    register_seed = CACHE / "bench" / "register"
    if not (register_seed / "divisions.csv").exists():
        log("importing the whole register (import-divisions --all)")
        _graphsvc("import-divisions", "--all", "--from", str(register_dir(args.register)),
                  "--out", str(register_seed))
    store = work / "results.json"
    results = {r["factor"]: r for r in (json.loads(store.read_text()) if store.exists() else [])}
    for factor in (int(s) for s in args.sizes.split(",") if s.strip()):
        free, need = mem_available_gib(), args.min_free_gib * factor
        if free < need:
            log(f"{factor}x not started: {free:.1f} GiB available, {need:.1f} GiB wanted")
            continue
        results[factor] = measure_size(work, register_seed, factor)
        store.write_text(json.dumps(sorted(results.values(), key=lambda r: r["factor"]),
                                    indent=1))
        log(f"{factor}x: {json.dumps(results[factor])}")
    text = table(list(results.values()), args.note) if results else "(nothing measured)"
    print(text)
    if args.write and results:
        doc = ROOT / "docs" / "scale.md"
        old = doc.read_text(encoding="utf-8")
        if MARK_START in old:
            head, rest = old.split(MARK_START, 1)
            doc.write_text(head + text + rest.split(MARK_END, 1)[1], encoding="utf-8")
        else:
            doc.write_text(old.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
        log(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
