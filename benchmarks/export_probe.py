"""One export measured in a fresh process, printed as JSON: how long writing one file takes.

    python -m benchmarks.export_probe graphml|gexf graphsvc|networkx SEED_DIR OUT_FILE

Run in a subprocess by the suite (`bench_export`), interleaving graphsvc's writer and
networkx's, so that neither side inherits the other's heap, caches or memory pressure. The
network is loaded warm from its snapshot (the caller made one); only the write of `OUT_FILE`, a
real file, is timed. Both sides write the same graph, `net.graph`:

- graphsvc: `net.export(FORMAT, OUT_FILE)` (cleaning, typing, statuses, colours and sizes
  included: all it does for a user);
- networkx: `networkx.write_graphml(net.graph, OUT_FILE)` (lxml's writer, networkx's default
  when lxml is installed, as it is with graphsvc) or `networkx.write_gexf(net.graph, OUT_FILE,
  version="1.3")` (the GEXF version graphsvc writes; networkx's other defaults). Every value of
  the scenario's graph is a string or a boolean, which both networkx writers take as they are:
  nothing is converted for them.

Besides the wall time it reports the process's CPU time for the write, which the other
processes of a shared machine disturb far less (the suite's rows give both).

What was loaded is frozen for the cyclic garbage collector before the clock starts (as
`graphsvc serve` does), so that neither writer pays for collections walking the loaded network;
each still pays for collecting its own garbage (graphsvc's pauses the collector itself).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path

FORMATS = ("graphml", "gexf")
WRITERS = ("graphsvc", "networkx")


def main(argv: list[str]) -> int:
    """Load `argv[2]` warm, write it as `argv[0]` with writer `argv[1]` to `argv[3]`, print
    JSON."""
    if len(argv) != 4 or argv[0] not in FORMATS or argv[1] not in WRITERS:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    fmt, writer, seed, out = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    import networkx as nx

    import graphsvc

    t0 = time.perf_counter()
    net = graphsvc.load(seed)
    load_s = time.perf_counter() - t0
    if not net.report.from_snapshot:
        print(json.dumps({"error": f"no snapshot of {seed} was used: make one first "
                                   "(python -m benchmarks.probe snapshot SEED_DIR)"}))
        return 1
    gc.collect()
    gc.freeze()
    out.unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    if writer == "graphsvc":
        net.export(fmt, out)
    elif fmt == "graphml":
        nx.write_graphml(net.graph, out)
    else:
        nx.write_gexf(net.graph, out, version="1.3")
    seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"format": fmt, "writer": writer, "seconds": seconds, "cpu_s": cpu_s,
                      "load_s": load_s,
                      "bytes": out.stat().st_size,
                      "nodes": net.graph.number_of_nodes(), "edges": net.graph.number_of_edges(),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
