"""Exports of the network: GraphML, GEXF 1.3, node-link JSON, spreadsheet CSV, Neo4j import CSV.

Every export goes the same way: cut the subgraph the filters ask for (:mod:`.subgraph`), make
every attribute scalar and typed once (:mod:`.prepare`), then hand it to one writer per format.
See docs/exports.md for what opens each file and the attribute names and types.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from graphsvc._gc import gc_paused
from graphsvc.errors import InvalidQuery
from graphsvc.export import csvfmt, gexf, graphml, jsonfmt, neo4j
from graphsvc.export.layout import ring_layout
from graphsvc.export.prepare import Prepared
from graphsvc.export.prepare import prepare as prepare_graph
from graphsvc.export.source import GraphSource, NetworkSource
from graphsvc.export.subgraph import FILTERS, subgraph

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


def prepare_network(net: GraphSource, **filters: Any) -> Prepared:
    """The filtered, cleaned and typed graph of `net` that every writer takes."""
    _check_options("graphml", filters)
    g = subgraph(net, **{k: v for k, v in filters.items() if k in FILTERS})
    year = filters.get("year")
    statuses: Any = {}
    if isinstance(net, NetworkSource):
        if year is None:
            year = net.default_year()
        statuses = net.statuses(year)
    positions = ring_layout(g) if filters.get("layout") else None
    return prepare_graph(g, statuses, year, filters.get("color_by", "kind"), positions)


def _graph_attrs(net: GraphSource, p: Prepared) -> dict[str, Any]:
    attrs: dict[str, Any] = {"generator": "graphsvc"}
    if isinstance(net, NetworkSource):
        attrs["data_version"] = net.data_version
    if p.year is not None:
        attrs["status_year"] = p.year
    return attrs


def _check_parent(path: Path) -> None:
    """The folder `path` goes in must exist: an export never makes folders on its own."""
    parent = path.parent
    if not parent.exists():
        raise InvalidQuery(f"cannot write {path}: the folder {parent} does not exist "
                           f"(create it first, e.g. mkdir -p {parent})")
    if not parent.is_dir():
        raise InvalidQuery(f"cannot write {path}: {parent} is not a folder")


def _target(spec: Format, path: Path) -> Path:
    """Where an export to `path` goes (checked before any work is done): the directory for
    csv/neo4j (made if missing, but not its parents), else the file (`graph.SUFFIX` inside
    `path` when it is a directory)."""
    if spec.multi_file:
        if path.exists() and not path.is_dir():
            raise InvalidQuery(f"{spec.name} writes a directory, but {path} is a file")
    elif path.is_dir():
        return path / f"graph{spec.suffix}"
    if not path.exists():
        _check_parent(path)
    return path


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside `path`, opened for writing. It is created with mode 0666
    minus the umask, as `open()` would (mkstemp's 0600 would leave the export unreadable to
    the group), or with the mode of the file it replaces."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:
            continue
        if mode is not None:
            os.chmod(tmp, mode)
        return fd, tmp


def _atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file and rename it, so a failed export leaves no broken file."""
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export(net: GraphSource, fmt: str, dest: Any, **filters: Any) -> list[Path] | None:
    """Write the network (or the subgraph `filters` select) as `fmt` to `dest`.

    `dest` is a path, an open binary file or "-" (standard output) for graphml/gexf/json, and a
    directory path for csv/neo4j. The folder a path goes in must exist (an export makes no
    folders but the one csv/neo4j write into); files get the usual mode (0666 minus the umask,
    or the mode of the file they replace) and appear whole or not at all.
    Returns the paths written (None when writing to an open file or standard output).
    Filters: township, model, kind (list), ego + hops, relation (list); options: year (of the
    status), color_by (kind|status), layout (bool: GEXF positions), edge_types (bool, GraphML:
    Gephi's non-standard edge label attribute; breaks schema validity).
    """
    with gc_paused():  # millions of small acyclic objects; collections would walk the graph
        return _export(net, fmt, dest, **filters)


def _export(net: GraphSource, fmt: str, dest: Any, **filters: Any) -> list[Path] | None:
    _check_options(fmt, filters)
    spec = FORMATS[fmt]
    to_stdout = isinstance(dest, str) and dest == "-"
    if spec.multi_file and (dest is None or hasattr(dest, "write") or to_stdout):
        raise InvalidQuery(f"{fmt} writes several files: give a directory path"
                           + (", not - (standard output takes graphml, gexf or json)"
                              if to_stdout else ""))
    target = None if to_stdout or hasattr(dest, "write") else _target(spec, Path(dest))
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
        assert target is not None
        directory = target
        directory.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory, prefix=".export.") as tmp:
            module = csvfmt if fmt == "csv" else neo4j
            written = module.write(p, Path(tmp))
            final = []
            for f in written:
                os.replace(f, directory / f.name)
                final.append(directory / f.name)
        return final
    if to_stdout:
        writer(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return None
    if target is None:
        writer(dest)
        return None
    _atomic(target, writer)
    return [target]
