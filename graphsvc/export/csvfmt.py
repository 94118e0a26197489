"""nodes.csv and edges.csv for spreadsheets: UTF-8 with BOM, safe against formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from graphsvc.export.formats import ExportContext, Files, Format, text_stream
from graphsvc.export.prepare import Prepared, Scalar

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NODE_FIXED = ("id",)
EDGE_FIXED = ("id", "from", "to")


def cell(value: Scalar | None) -> str | int | float:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return "'" + value if value.startswith(_FORMULA_START) else value


def _write(files: Files, name: str, header: list[str],
           rows: Iterable[list[Scalar | None]]) -> None:
    with files.open(name) as out, text_stream(out, "utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([cell(h) for h in header])
        w.writerows([cell(v) for v in row] for row in rows)


def write(p: Prepared, files: Files, ctx: ExportContext) -> None:
    """Write nodes.csv and edges.csv."""
    ncols = [c.name for c in p.node_columns if c.name not in NODE_FIXED]
    ecols = [c.name for c in p.edge_columns if c.name not in EDGE_FIXED]
    _write(files, "nodes.csv", [*NODE_FIXED, *ncols],
           ([n, *(a.get(c) for c in ncols)] for n, a in p.nodes))
    _write(files, "edges.csv", [*EDGE_FIXED, *ecols],
           ([e.key, e.source, e.target, *(e.attrs.get(c) for c in ecols)] for e in p.edges))


FORMAT = Format("csv", ("nodes.csv", "edges.csv"), "text/csv",
                "nodes.csv and edges.csv for spreadsheets (UTF-8 with BOM)", write)
