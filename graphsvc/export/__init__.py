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
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

import networkx as nx

from graphsvc._gc import gc_paused
from graphsvc.errors import InvalidQuery
from graphsvc.export import csvfmt, gexf, graphml, jsonfmt, neo4j
from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.layout import ring_layout
from graphsvc.export.prepare import Prepared
from graphsvc.export.prepare import prepare as prepare_graph
from graphsvc.export.source import GraphSource, NetworkSource
from graphsvc.export.subgraph import FILTERS, schema_of, subgraph

__all__ = ["FORMATS", "OPTIONS", "ExportContext", "Files", "Format", "export", "prepare_network",
           "subgraph", "write_files", "ZipFiles"]


FORMATS: dict[str, Format] = {
    f.name: f for f in (graphml.FORMAT, gexf.FORMAT, jsonfmt.FORMAT, csvfmt.FORMAT, neo4j.FORMAT)
}
"""The export formats by name (each declared in its own module, see :mod:`.formats`)."""
OPTIONS = ("year", "color_by", "layout", *(o for f in FORMATS.values() for o in f.options))
"""Options every format takes (year, color_by, layout) and the formats' own ones."""


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
    return prepare_graph(*prepare_inputs(net, **filters))


def prepare_inputs(net: GraphSource, **filters: Any) -> tuple[
        nx.MultiDiGraph, Mapping[str, Any], int | None, str,
        dict[str, tuple[float, float]] | None, dict[str, str]]:
    """What `prepare` takes for an export of `net`: the (filtered) graph, the statuses of the
    year, the year, what colours the nodes, the layout's positions and the kinds' colours."""
    _check_options("graphml", filters)
    g = subgraph(net, **{k: v for k, v in filters.items() if k in FILTERS})
    year = filters.get("year")
    statuses: Any = {}
    if isinstance(net, NetworkSource):
        if year is None:
            year = net.default_year()
        statuses = net.statuses(year).names
    positions = ring_layout(g) if filters.get("layout") else None
    schema = schema_of(net)
    colors = {k: s.color for k, s in schema.kinds.items() if s.color}
    return g, statuses, year, filters.get("color_by", "kind"), positions, colors


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



class _OneFile:
    """`Files` for a one-file format: the bytes go to `dest` (an open stream, or a path
    written atomically)."""

    def __init__(self, dest: BinaryIO | Path) -> None:
        self.dest = dest
        self.opened = False

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        if self.opened:
            raise RuntimeError(f"a one-file export opened a second file ({name})")
        self.opened = True
        if isinstance(self.dest, Path):
            fd, tmp = _create_temp(self.dest)
            try:
                with os.fdopen(fd, "wb") as fh:
                    yield fh
                os.replace(tmp, self.dest)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        else:
            yield self.dest


class _Directory:
    """`Files` written into a hidden temporary directory inside `directory`, then moved in
    whole by `commit()`: a failed export leaves the files that were there before."""

    def __init__(self, directory: Path, tmp: Path) -> None:
        self.directory, self.tmp = directory, tmp
        self.names: list[str] = []

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        self.names.append(name)
        with (self.tmp / name).open("wb") as fh:
            yield fh

    def commit(self) -> list[Path]:
        final = []
        for name in self.names:
            os.replace(self.tmp / name, self.directory / name)
            final.append(self.directory / name)
        return final


class ZipFiles:
    """`Files` as the members of an open zip archive (a multi-file format as one download)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self.archive.open(name, "w", force_zip64=True) as fh:
            yield cast(BinaryIO, fh)


def write_files(net: GraphSource, fmt: str, files: Files, **filters: Any) -> None:
    """Write the (filtered) network as `fmt` through any `Files` (e.g. a zip for a download);
    `export()` is this with a path, a directory or an open file."""
    _check_options(fmt, filters)
    spec = FORMATS[fmt]
    with gc_paused():  # millions of small acyclic objects; collections would walk the graph
        p = prepare_network(net, **filters)
        ctx = ExportContext(year=p.year, graph_attrs=_graph_attrs(net, p),
                            options={k: filters[k] for k in spec.options if k in filters})
        spec.write(p, files, ctx)


def _export(net: GraphSource, fmt: str, dest: Any, **filters: Any) -> list[Path] | None:
    _check_options(fmt, filters)
    spec = FORMATS[fmt]
    to_stdout = isinstance(dest, str) and dest == "-"
    if spec.multi_file and (dest is None or hasattr(dest, "write") or to_stdout):
        raise InvalidQuery(f"{fmt} writes several files: give a directory path"
                           + (", not - (standard output takes graphml, gexf or json)"
                              if to_stdout else ""))
    if to_stdout:
        write_files(net, fmt, _OneFile(sys.stdout.buffer), **filters)
        sys.stdout.buffer.flush()
        return None
    if hasattr(dest, "write"):
        write_files(net, fmt, _OneFile(dest), **filters)
        return None
    target = _target(spec, Path(dest))
    if not spec.multi_file:
        write_files(net, fmt, _OneFile(target), **filters)
        return [target]
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".export.") as tmp:
        files = _Directory(target, Path(tmp))
        write_files(net, fmt, files, **filters)
        return files.commit()
