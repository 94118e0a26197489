"""One measurement in a fresh process, printed as JSON: how long a load takes (wall clock, and
the process's CPU time, which other jobs on the machine disturb far less) and its memory.

    python -m benchmarks.probe naive|cold|snapshot|warm SEED_DIR

Run in a subprocess by the suite so each load starts from an empty heap.
"""

from __future__ import annotations

import csv
import gc
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx


def rss_mb() -> float:
    """Resident memory of this process now, in MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def naive_load(seed: Path) -> nx.MultiDiGraph:
    """The baseline: csv.DictReader and add_node/add_edge per row, no validation at all."""
    g = nx.MultiDiGraph()
    with (seed / "divisions.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            g.add_node(row["code"], **row)
            if row["parent"]:
                g.add_edge(row["code"], row["parent"], relation="part_of", source=row["source"])
    if (seed / "entities.csv").exists():
        with (seed / "entities.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                g.add_node(row["id"], **row)
    if (seed / "relations.csv").exists():
        with (seed / "relations.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                g.add_edge(row["from"], row["to"], **row)
    facts: dict[str, list[dict[str, str]]] = defaultdict(list)
    if (seed / "facts.csv").exists():
        with (seed / "facts.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                facts[row["entity"]].append(row)
    g.graph["facts"] = facts
    return g


def main(argv: list[str]) -> int:
    """Measure one load of `argv[1]` in mode `argv[0]` and print JSON."""
    mode, seed = argv[0], Path(argv[1])
    import graphsvc  # imported before the clock starts, like a server that is up

    base = rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    if mode == "naive":
        g = naive_load(seed)
        nodes = g.number_of_nodes()
    else:
        # snapshot: a cold load that writes its snapshot (the caller removed any old one)
        net = graphsvc.load(seed, snapshot=(mode in ("warm", "snapshot")))
        nodes = net.graph.number_of_nodes()
        if mode == "warm" and not net.report.from_snapshot:
            print(json.dumps({"error": "no snapshot was used"}))
            return 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    gc.collect()
    print(json.dumps({"mode": mode, "seconds": seconds, "cpu_seconds": cpu, "nodes": nodes,
                      "rss_mb": rss_mb(),
                      "rss_base_mb": base,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
