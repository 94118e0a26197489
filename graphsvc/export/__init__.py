"""Exports of the network: GraphML, GEXF 1.3, node-link JSON, spreadsheet CSV, Neo4j import CSV.

Every export goes the same way: cut the subgraph the filters ask for (:mod:`.subgraph`), make
every attribute scalar and typed once (:mod:`.prepare`), then hand it to one writer per format.
See docs/exports.md for what opens each file and the attribute names and types.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InvalidQuery
from ..network import gc_paused
from . import csvfmt, gexf, graphml, jsonfmt, neo4j
from .layout import ring_layout
from .prepare import Prepared
from .prepare import prepare as prepare_graph
from .subgraph import FILTERS, subgraph

__all__ = ["FORMATS", "OPTIONS", "Format", "export", "prepare_network", "subgraph"]


@dataclass(frozen=True)
class Format:
    """One export format: its file suffix, media type and whether it writes a directory."""

    name: str
    suffix: str
    media_type: str
    multi_file: bool
    description: str


FORMATS: dict[str, Format] = {
    "graphml": Format("graphml", ".graphml", "application/graphml+xml", False,
                      "GraphML for Gephi, Cytoscape, yEd, igraph and networkx"),
    "gexf": Format("gexf", ".gexf", "application/gexf+xml", False,
                   "GEXF 1.3 with colours and sizes for Gephi and Gephi Lite"),
    "json": Format("json", ".json", "application/json", False,
                   "networkx node-link JSON (nodes/edges)"),
    "csv": Format("csv", "", "text/csv", True,
                  "nodes.csv and edges.csv for spreadsheets (UTF-8 with BOM)"),
    "neo4j": Format("neo4j", "", "text/csv", True,
                    "nodes.csv and relationships.csv for neo4j-admin database import"),
}
OPTIONS = ("year", "color_by", "layout", "edge_types")


def _check_options(fmt: str, filters: dict[str, Any]) -> None:
    if fmt not in FORMATS:
        raise InvalidQuery(f"unknown format '{fmt}': use one of: {', '.join(FORMATS)}")
    unknown = [k for k in filters if k not in FILTERS + OPTIONS]
    if unknown:
        raise InvalidQuery(f"unknown export option {', '.join(unknown)}: "
                           f"use one of: {', '.join(FILTERS + OPTIONS)}")
    if filters.get("color_by", "kind") not in ("kind", "status"):
        raise InvalidQuery(f"unknown color_by '{filters['color_by']}': use one of: kind, status")
    year = filters.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise InvalidQuery(f"year must be a whole number such as 2022, not {year!r}")


def prepare_network(net: Any, **filters: Any) -> Prepared:
    """The filtered, cleaned and typed graph of `net` that every writer takes."""
    _check_options("graphml", filters)
    g = subgraph(net, **{k: v for k, v in filters.items() if k in FILTERS})
    year = filters.get("year")
    statuses: Any = {}
    if hasattr(net, "statuses"):
        if year is None and hasattr(net, "default_year"):
            year = net.default_year()
        statuses = net.statuses(year)
    positions = ring_layout(g) if filters.get("layout") else None
    return prepare_graph(g, statuses, year, filters.get("color_by", "kind"), positions)


def _graph_attrs(net: Any, p: Prepared) -> dict[str, Any]:
    attrs: dict[str, Any] = {"generator": "graphsvc"}
    version = getattr(net, "data_version", None)
    if isinstance(version, str):
        attrs["data_version"] = version
    if p.year is not None:
        attrs["status_year"] = p.year
    return attrs


def _atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file and rename it, so a failed export leaves no broken file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(net: Any, fmt: str, dest: Any, **filters: Any) -> list[Path] | None:
    """Write the network (or the subgraph `filters` select) as `fmt` to `dest`.

    `dest` is a path or an open binary file for graphml/gexf/json, and a directory path for
    csv/neo4j. Returns the paths written (None when writing to an open file).
    Filters: township, model, kind (list), ego + hops, relation (list); options: year (of the
    status), color_by (kind|status), layout (bool: GEXF positions), edge_types (bool, GraphML:
    Gephi's non-standard edge label attribute; breaks schema validity).
    """
    with gc_paused():  # millions of small acyclic objects; collections would walk the graph
        return _export(net, fmt, dest, **filters)


def _export(net: Any, fmt: str, dest: Any, **filters: Any) -> list[Path] | None:
    _check_options(fmt, filters)
    spec = FORMATS[fmt]
    if spec.multi_file and (dest is None or hasattr(dest, "write")):
        raise InvalidQuery(f"{fmt} writes several files: give a directory path")
    p = prepare_network(net, **filters)
    if fmt == "graphml":
        edge_types = bool(filters.get("edge_types"))

        def writer(fh: BinaryIO) -> None:
            graphml.write(p, fh, edge_types=edge_types)
    elif fmt == "gexf":
        desc = "graphsvc export" + (f", status year {p.year}" if p.year is not None else "")

        def writer(fh: BinaryIO) -> None:
            gexf.write(p, fh, description=desc)
    elif fmt == "json":
        gattrs = _graph_attrs(net, p)

        def writer(fh: BinaryIO) -> None:
            jsonfmt.write(p, fh, gattrs)
    else:
        directory = Path(dest)
        if directory.exists() and not directory.is_dir():
            raise InvalidQuery(f"{fmt} writes a directory, but {directory} is a file")
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory, prefix=".export.") as tmp:
            module = csvfmt if fmt == "csv" else neo4j
            written = module.write(p, Path(tmp))
            final = []
            for f in written:
                os.replace(f, directory / f.name)
                final.append(directory / f.name)
        return final
    if hasattr(dest, "write"):
        writer(dest)
        return None
    path = Path(dest)
    if path.is_dir():
        path = path / f"graph{spec.suffix}"
    _atomic(path, writer)
    return [path]
