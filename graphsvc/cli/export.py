"""The `graphsvc export` subcommand: parse options, call `Network.export`, report."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graphsvc.cli.common import UsageError, load_seed
from graphsvc.export import FORMATS
from graphsvc.queries.registry import split


def cmd_export(args: argparse.Namespace) -> int:
    """Write the network (or a filtered subgraph) in one of the export formats."""
    spec = FORMATS[args.format]
    if spec.multi_file and args.out in (None, "-"):
        raise UsageError(f"--format {args.format} writes several files: give a directory "
                         "with -o DIR (-o - writes graphml, gexf or json to standard output)")
    if args.hops is not None and args.ego is None:
        raise UsageError("--hops needs --ego ID")
    filters: dict[str, Any] = {
        "township": args.township, "model": args.model, "kind": split(args.kind),
        "ego": args.ego, "hops": args.hops, "relation": split(args.relation),
        "year": args.year, "color_by": args.color_by, "layout": args.layout or None,
        "edge_types": args.gephi_edge_types or None,
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    net = load_seed(args)
    if args.out in (None, "-"):
        net.export(args.format, sys.stdout.buffer, **filters)
        sys.stdout.buffer.flush()
        return 0
    try:
        written = net.export(args.format, args.out, **filters) or []
    except OSError as exc:  # no permission, disk full, a name too long: the user's to fix
        raise UsageError(f"cannot write {exc.filename or args.out}: "
                         f"{exc.strerror or exc}") from None
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add `export` to the subcommand parser."""
    p = sub.add_parser(
        "export", help="write the network as GraphML, GEXF, JSON, CSV or Neo4j import files",
        description="Write the whole network or a subgraph. graphml/gexf/json go to standard "
        "output without -o or with -o -; csv and neo4j write a directory (-o DIR). The folder "
        "a file goes in must exist. Filters combine (intersection). See docs/exports.md.")
    p.add_argument("--format", "-f", required=True, choices=list(FORMATS),
                   help="export format")
    p.add_argument("-o", "--out", metavar="PATH",
                   help="file (graphml, gexf, json; - or none: standard output) or directory "
                   "(csv, neo4j; made if missing, its parent must exist)")
    p.add_argument("--township", metavar="T", help="keep one township and its entities")
    p.add_argument("--model", metavar="M", help="keep the organisations of one joint-building "
                   "model and what they link to")
    p.add_argument("--kind", nargs="+", action="extend", metavar="K",
                   help="keep entities of these kinds (repeat, comma-separate or list them)")
    p.add_argument("--relation", nargs="+", action="extend", metavar="R",
                   help="keep relations of these kinds (repeat, comma-separate or list them)")
    p.add_argument("--ego", metavar="ID", help="keep an entity and its neighbourhood")
    p.add_argument("--hops", type=int, metavar="N", help="neighbourhood radius for --ego "
                   "(default 1)")
    p.add_argument("--year", type=int, metavar="Y", help="year of the weak/strong status "
                   "(default: latest year with data)")
    p.add_argument("--color-by", choices=["kind", "status"], default="kind",
                   help="colour nodes by kind (default) or by status")
    p.add_argument("--layout", action="store_true",
                   help="compute a spring layout and write positions (GEXF)")
    p.add_argument("--gephi-edge-types", action="store_true",
                   help="GraphML: add Gephi's non-standard label=RELATION on each <edge> "
                   "(the file is then not valid against the GraphML schema)")
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.set_defaults(handler=cmd_export)


