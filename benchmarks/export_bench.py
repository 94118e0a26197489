"""Benchmark: graphsvc's GraphML or GEXF export vs networkx's writer on the same graph.

SYNTHETIC DATA: the graph is generated in memory with made-up names and codes shaped like the
real network (villages, townships, party organisations, member_of/part_of/... relations). It is
never written to seed/. Run from the repository root:

    python benchmarks/export_bench.py --nodes 100000 --runs 3 [--format gexf]

Both sides write the same graph to an in-memory buffer. graphsvc's time includes the whole
export (attribute preparation and writing); networkx gets a copy of the graph already made
writable for it (booleans as-is, no None values), which is the best case for networkx;
GEXF is written by networkx as version 1.3, the version graphsvc writes. In one process: the
suite (`python -m benchmarks --only export`) measures the national scenario in fresh processes.
"""

from __future__ import annotations

import argparse
import gc
import io
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.export import export  # noqa: E402

RELATIONS = {"part_of": "隶属", "member_of": "成员", "partner_of": "结对", "guides": "领导",
             "covers": "覆盖", "develops": "打造"}
SYLLABLES = "东西南北上下前后大小新老长青石河山沟庄屯营峪店坨岭"


def synthetic(n_nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    """A made-up graph of `n_nodes` entities and about 1.3 edges per node."""
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    towns = max(1, n_nodes // 40)
    nodes: list[str] = []
    for t in range(towns):
        code = f"99{t:07d}"
        g.add_node(code, kind="township", name=f"{rnd.choice(SYLLABLES)}{t}镇", code=code,
                   source="SYN", pinyin=f"zhen{t}", initials="z")
        nodes.append(code)
    e = 0
    while len(nodes) < n_nodes:
        i = len(nodes)
        town = nodes[rnd.randrange(towns)]
        if i % 10 == 0:
            nid = f"org.syn-{i}"
            g.add_node(nid, kind="party_org", name=f"第{i}联合党委", township=town, level="党委",
                       form="joint", model=rnd.choice(["area", "village_village", "grid"]),
                       source="SYN", pinyin=f"lianhedangwei{i}", initials="lhdw")
        else:
            nid = f"{town}{i:06d}"
            name = "".join(rnd.choice(SYLLABLES) for _ in range(2)) + "村"
            g.add_node(nid, kind="village", name=name, township=town, code=nid, subtype="村委会",
                       register_name=name + "委会", source="SYN", pinyin=f"cun{i}", initials="c")
            e += 1
            g.add_edge(nid, town, key=f"e{e}", relation="part_of", label="隶属", directed=True,
                       source="SYN")
        nodes.append(nid)
    orgs = [n for n in nodes if n.startswith("org.")]
    for _ in range(n_nodes * 3 // 10):
        rel = rnd.choice(["member_of", "partner_of", "guides", "covers", "develops"])
        u, v = rnd.choice(nodes), rnd.choice(orgs)
        if u == v:
            continue
        e += 1
        g.add_edge(u, v, key=f"e{e}", relation=rel, label=RELATIONS[rel],
                   directed=rel != "partner_of", role=rnd.choice(["lead", "member"]),
                   since=str(rnd.randrange(2015, 2024)), source="SYN")
    return nx.freeze(g)


def timed(fn: Callable[[io.BytesIO], object]) -> tuple[float, int]:
    """Wall time of one call writing to a fresh buffer, and the bytes written."""
    gc.collect()
    buf = io.BytesIO()
    t0 = time.perf_counter()
    fn(buf)
    return time.perf_counter() - t0, len(buf.getvalue())


def main() -> None:
    """Build the synthetic graph, time both writers, print a markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--format", choices=("graphml", "gexf"), default="graphml")
    args = ap.parse_args()
    t0 = time.perf_counter()
    g = synthetic(args.nodes)
    build = time.perf_counter() - t0
    net = SimpleNamespace(graph=g)
    plain = nx.MultiDiGraph(g)  # networkx's writer wants a plain graph; same data

    def theirs_write(graph: nx.MultiDiGraph, buf: io.BytesIO) -> None:
        if args.format == "graphml":
            nx.write_graphml(graph, buf)
        else:
            nx.write_gexf(graph, buf, version="1.3")
    ours_t, theirs_t = [], []
    ours_size = theirs_size = 0
    for _ in range(args.runs):  # interleaved, so a busy moment hits both sides alike
        t, ours_size = timed(lambda buf: export(net, args.format, buf))
        ours_t.append(t)
        t, theirs_size = timed(lambda buf: theirs_write(plain, buf))
        theirs_t.append(t)
    ours, theirs = statistics.median(ours_t), statistics.median(theirs_t)
    print(f"Synthetic graph (made-up data, built in memory in {build:.1f} s): "
          f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges; "
          f"median of {args.runs} runs; Python {platform.python_version()}, "
          f"networkx {nx.__version__}, {platform.machine()}.\n")
    print(f"Runs (s): graphsvc {', '.join(f'{t:.2f}' for t in ours_t)}; "
          f"networkx {', '.join(f'{t:.2f}' for t in theirs_t)}.\n")
    print("| writer | median seconds | output MB | speed-up |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| networkx.write_{args.format} | {theirs:.2f} | {theirs_size / 1e6:.1f} | 1.0x |")
    print(f"| graphsvc export {args.format} (prepare + write) | {ours:.2f} | "
          f"{ours_size / 1e6:.1f} | {theirs / ours:.1f}x |")


if __name__ == "__main__":
    main()
