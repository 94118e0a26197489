"""The oracle for the streamed GraphML and GEXF writers: the export as it was before rows were
streamed from the graph (graphsvc 813ff7d), kept here only to check that the streamed export
writes the same bytes.

It prepares every node and edge into a dict up front (the eager `prepare`), then writes them
element by element, escaping value by value. Slow, and simple on purpose. What the streamed
export does not replace is the package's own here: the inputs of `prepare`, the cleaning and
typing helpers, the added columns and GEXF's node of a row that is not plain. What it replaces
(the rows held whole, plain rows and their templates, rendering shared edge dicts once, the
check of the ids) is the old code.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import networkx as nx

from graphsvc.export import FORMATS, _check_options, _graph_attrs, prepare_inputs
from graphsvc.export.formats import ExportContext
from graphsvc.export.gexf import HEADER as GEXF_HEADER
from graphsvc.export.gexf import _attributes, _attvalues, _node
from graphsvc.export.graphml import HEADER as GRAPHML_HEADER
from graphsvc.export.graphml import _keys
from graphsvc.export.prepare import (
    ADDED_NODE_COLUMNS,
    EDGE_TYPES,
    NODE_TYPES,
    Column,
    EdgeRow,
    Scalar,
    _clean_attrs,
    _coerce_rows,
    _columns,
    _edges,
    _nodes,
    added_columns,
    xml_ids,
)
from graphsvc.export.source import GraphSource
from graphsvc.export.xmlutil import esc_attr, esc_text, fmt_value


@dataclass
class Eager:
    """The prepared graph as it was: every row held in lists."""

    node_columns: list[Column]
    edge_columns: list[Column]
    nodes: list[tuple[str, dict[str, Scalar]]]
    edges: list[EdgeRow]
    year: int | None = None
    color_by: str = "kind"
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)


def prepare(graph: nx.MultiDiGraph, statuses: Any, year: int | None, color_by: str,
            positions: Any, kind_colors: dict[str, str]) -> Eager:
    """Every row cleaned, typed and merged up front (the old `prepare`)."""
    nodes: list[tuple[str, dict[str, Scalar]]] = []
    node_seen: dict[str, set[type]] = {}
    edge_seen: dict[str, set[type]] = {}
    names: dict[Any, str] = {}
    edges: list[EdgeRow] = []
    degrees: dict[Any, int] = dict.fromkeys(graph, 0)
    cleaned: dict[int, dict[str, Scalar]] = {}
    for u, v, key, data in _edges(graph):
        degrees[u] += 1
        degrees[v] += 1
        attrs = cleaned.get(id(data))
        if attrs is None:
            attrs = cleaned[id(data)] = _clean_attrs(data, edge_seen, names)
        edges.append(EdgeRow(str(key), str(u), str(v), attrs))
    for node, data in _nodes(graph):
        nid = str(node)
        attrs = _clean_attrs(data, node_seen, names, skip=ADDED_NODE_COLUMNS)
        added = added_columns(nid, data, attrs, statuses, degrees[node], color_by, kind_colors)
        nodes.append((nid, {**added, **attrs}))
    ws = [e.attrs["weight"] for e in edges if "weight" in e.attrs]
    if ws and not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0
                      for w in ws):
        for e in edges:
            if "weight" in e.attrs:
                e.attrs["weight_value"] = e.attrs.pop("weight")
        edge_seen["weight_value"] = edge_seen.pop("weight")
    if nodes:
        for name, typ in (("label", str), ("status", str), ("color", str),
                          ("status_color", str), ("degree", int), ("size", float)):
            node_seen.setdefault(name, set()).add(typ)
    node_cols = _columns(node_seen, NODE_TYPES)
    edge_cols = _columns(edge_seen, EDGE_TYPES)
    _coerce_rows((a for _, a in nodes), node_cols, node_seen)
    _coerce_rows((e.attrs for e in edges), edge_cols, edge_seen)
    pos = {str(n): (float(x), float(y)) for n, (x, y) in (positions or {}).items()}
    return Eager(node_cols, edge_cols, nodes, edges, year, color_by, pos)


def write_graphml(p: Eager, out: BinaryIO, edge_types: bool) -> None:
    """The old GraphML writer: one element at a time, each value escaped on its own."""
    out.write(GRAPHML_HEADER.encode())
    node_lines, nkeys = _keys(p.node_columns, "node", "kn")
    edge_lines, ekeys = _keys(p.edge_columns, "edge", "ke")
    parts = [*node_lines, *edge_lines, '  <graph id="G" edgedefault="directed">\n']
    node_ids = xml_ids([n for n, _ in p.nodes], "n")
    id_of = dict(zip((n for n, _ in p.nodes), node_ids, strict=True))
    for (_, attrs), nid in zip(p.nodes, node_ids, strict=True):
        cells = "".join(f'<data key="{nkeys[k]}">{esc_text(fmt_value(v))}</data>'
                        for k, v in attrs.items())
        parts.append(f'    <node id="{nid}">{cells}</node>\n')
    for e, eid in zip(p.edges, xml_ids([e.key for e in p.edges], "e"), strict=True):
        typ = ""
        if edge_types and "relation" in e.attrs:
            typ = f' label="{esc_attr(str(e.attrs["relation"]))}"'
        cells = "".join(f'<data key="{ekeys[k]}">{esc_text(fmt_value(v))}</data>'
                        for k, v in e.attrs.items())
        parts.append(f'    <edge id="{eid}" source="{id_of[e.source]}" '
                     f'target="{id_of[e.target]}"{typ}>{cells}</edge>\n')
    parts.append("  </graph>\n</graphml>\n")
    out.write("".join(parts).encode("utf-8"))


def write_gexf(p: Eager, out: BinaryIO, description: str) -> None:
    """The old GEXF writer."""
    parts = [GEXF_HEADER]
    today = _dt.date.today().isoformat()
    desc = f"<description>{esc_attr(description)}</description>" if description else ""
    parts.append(f'  <meta lastmodifieddate="{today}"><creator>graphsvc</creator>{desc}</meta>\n')
    parts.append('  <graph defaultedgetype="directed" mode="static">\n')
    node_attrs, nids = _attributes(p.node_columns, "node")
    edge_attrs, eids = _attributes(p.edge_columns, "edge")
    parts += [node_attrs, edge_attrs]
    node_ids = xml_ids([n for n, _ in p.nodes], "n")
    id_of = dict(zip((n for n, _ in p.nodes), node_ids, strict=True))
    parts.append(f'    <nodes count="{len(p.nodes)}">\n')
    for (node, attrs), nid in zip(p.nodes, node_ids, strict=True):
        pos = p.positions.get(node)
        where = "" if pos is None else f'<viz:position x="{pos[0]!r}" y="{pos[1]!r}" z="0.0"/>'
        parts.append(_node(nid, node, attrs, nids, where))
    parts.append("    </nodes>\n")
    parts.append(f'    <edges count="{len(p.edges)}">\n')
    for e, eid in zip(p.edges, xml_ids([e.key for e in p.edges], "e"), strict=True):
        extra = ""
        if "relation" in e.attrs:
            extra += f' kind="{esc_attr(str(e.attrs["relation"]))}"'
        if "label" in e.attrs:
            extra += f' label="{esc_attr(str(e.attrs["label"]))}"'
        parts.append(f'      <edge id="{eid}" source="{id_of[e.source]}" '
                     f'target="{id_of[e.target]}"{extra}>{_attvalues(e.attrs, eids)}</edge>\n')
    parts.append("    </edges>\n  </graph>\n</gexf>\n")
    out.write("".join(parts).encode("utf-8"))


class _Buffer:
    """`Files` for the unchanged writers (json, csv, neo4j): each file into memory."""

    def __init__(self) -> None:
        self.files: dict[str, io.BytesIO] = {}

    def open(self, name: str) -> Any:
        from contextlib import contextmanager

        @contextmanager
        def opened() -> Any:
            buf = self.files[name] = io.BytesIO()
            yield buf

        return opened()


def previous_export(net: GraphSource, fmt: str, **filters: Any) -> dict[str, bytes]:
    """The files of an export as the old code wrote them, by file name."""
    _check_options(fmt, filters)
    g, statuses, year, color_by, positions, colors = prepare_inputs(net, **filters)
    p = prepare(g, statuses, year, color_by, positions, colors)
    spec = FORMATS[fmt]
    if fmt == "graphml":
        out = io.BytesIO()
        write_graphml(p, out, bool(filters.get("edge_types")))
        return {spec.files[0]: out.getvalue()}
    if fmt == "gexf":
        out = io.BytesIO()
        write_gexf(p, out, "graphsvc export" + (f", status year {year}" if year is not None
                                                  else ""))
        return {spec.files[0]: out.getvalue()}
    files = _Buffer()
    ctx = ExportContext(year=p.year, graph_attrs=_graph_attrs(net, p),  # type: ignore[arg-type]
                        options={k: filters[k] for k in spec.options if k in filters})
    spec.write(p, files, ctx)  # type: ignore[arg-type]
    return {name: buf.getvalue() for name, buf in files.files.items()}
