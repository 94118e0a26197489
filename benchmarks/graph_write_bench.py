"""Benchmark: building the graph through networkx's public API vs graphsvc's GraphWriter.

SYNTHETIC DATA: register-shaped rows made up in memory (a county, townships, villages; one
part_of edge per unit), never written anywhere. Each side runs in its own process so that the
peak memory (max RSS) is its own. Run from the repository root:

    python benchmarks/graph_write_bench.py --units 665000 --runs 3

The public side calls `g.add_node(id, **attrs)` and `g.add_edge(u, v, key=k, **attrs)`:
networkx copies every attribute dict, so edges with equal attributes cannot share one dict.
GraphWriter adds nodes through `add_node` too, and writes edges into the adjacency dicts
directly so that equal attribute dicts are shared (see graphsvc/loader/graph.py); the issue
allows private writes only where the public API costs more than 10 % of the load, and this is
the measure of it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rows(units: int) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """(code, parent code, attributes) of a made-up register: 1 county, units/20 townships."""
    yield "990101", None, {"kind": "district", "name": "测试区", "code": "990101",
                           "source": "S1", "pinyin": "ceshiqu", "initials": "csq"}
    towns = max(1, units // 20)
    for t in range(towns):
        code = f"990101{t:03d}"[:9] if t < 1000 else f"99{t:07d}"
        yield code, "990101", {"kind": "township", "subtype": "镇", "name": f"镇{t}",
                               "code": code, "source": "S1", "pinyin": f"zhen{t}",
                               "initials": "z"}
        for v in range(19):
            vc = f"{code}{v:03d}"
            yield vc, code, {"kind": "village", "subtype": "村", "name": f"村{t}-{v}",
                             "register_name": f"村{t}-{v}村民委员会", "township": code,
                             "code": vc, "source": "S1", "pinyin": f"cun{t}{v}",
                             "initials": "c"}


def build_public(units: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    k = 0
    for code, parent, attrs in rows(units):
        g.add_node(code, **attrs)
        if parent is not None:
            k += 1
            g.add_edge(code, parent, key=f"e{k}", relation="part_of", label="隶属",
                       directed=True, source="S1")
    return g


def build_writer(units: int) -> nx.MultiDiGraph:
    from graphsvc.loader.graph import GraphWriter

    w = GraphWriter()
    for code, parent, attrs in rows(units):
        w.add_node(code, attrs, interned=True)  # as the register's rows are
        if parent is not None:
            w.add_edge(code, parent, {"relation": "part_of", "label": "隶属", "directed": True,
                                      "source": "S1"}, share=("part_of", "S1"))
    return w.graph


def child(side: str, units: int) -> None:
    build = build_public if side == "public" else build_writer
    start = time.perf_counter()
    g = build(units)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": side, "seconds": seconds, "peak_mb": peak,
                      "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=665_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", choices=["public", "writer"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.units)
        return 0
    got: dict[str, list[dict[str, Any]]] = {"public": [], "writer": []}
    for _ in range(args.runs):  # interleaved, each in a fresh process
        for side in ("public", "writer"):
            out = subprocess.run([sys.executable, __file__, "--child", side,
                                  "--units", str(args.units)],
                                 capture_output=True, text=True, check=True)
            got[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
    pub = statistics.median(r["seconds"] for r in got["public"])
    wri = statistics.median(r["seconds"] for r in got["writer"])
    pub_mb = statistics.median(r["peak_mb"] for r in got["public"])
    wri_mb = statistics.median(r["peak_mb"] for r in got["writer"])
    n = got["writer"][0]
    print(f"{n['nodes']:,} nodes, {n['edges']:,} edges, median of {args.runs} interleaved runs")
    print(f"public API (add_node/add_edge): {pub:.2f} s, peak {pub_mb:.0f} MiB")
    print(f"GraphWriter:                    {wri:.2f} s, peak {wri_mb:.0f} MiB")
    print(f"the public API costs {pub - wri:+.2f} s ({(pub - wri) / wri:+.0%}) and "
          f"{pub_mb - wri_mb:+.0f} MiB ({(pub_mb - wri_mb) / wri_mb:+.0%}) more")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
