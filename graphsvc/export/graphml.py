"""GraphML for Gephi, Cytoscape, igraph, yEd and networkx: typed keys, schema-valid, streamed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.prepare import Column, Prepared, Scalar
from graphsvc.export.xmlutil import (
    TEXT_SPECIAL,
    TEXT_TABLE,
    Sink,
    chunks,
    esc_attr,
    fmt_value,
)

_special = TEXT_SPECIAL.search

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _keys(cols: list[Column], domain: str, prefix: str) -> tuple[list[str], dict[str, str]]:
    # Key ids are k-prefixed numbers: unique ignoring case (Gephi lower-cases them) and never
    # one of Gephi's reserved ids (label, x, size, d3, d7, weight, ...).
    lines, ids = [], {}
    for i, c in enumerate(cols):
        kid = f"{prefix}{i}"
        ids[c.name] = kid
        lines.append(f'  <key id="{kid}" for="{domain}" attr.name="{esc_attr(c.name)}" '
                     f'attr.type="{c.type}"/>\n')
    return lines, ids


def _values(attrs: dict[str, Scalar]) -> tuple[str, ...]:
    return _escaped(attrs.values())


def _escaped(values: Iterable[Scalar]) -> tuple[str, ...]:
    # strings (most values) skip formatting, and escaping only runs when one search over all
    # of them finds a special character
    vals = tuple([v if type(v) is str else fmt_value(v) for v in values])
    if _special("".join(vals)) is not None:
        vals = tuple([v.translate(TEXT_TABLE) for v in vals])
    return vals


def _template(head: str, keys: tuple[str, ...], ids: dict[str, str], tail: str) -> str:
    """A %-template of one element with these data keys, made once per shape of attributes."""
    cells = "".join(f'<data key="{ids[k]}">%s</data>' for k in keys)
    return head + cells + tail


def write(p: Prepared, files: Files, ctx: ExportContext) -> None:
    """Write `p` as one GraphML file.

    With the option `edge_types`, each `<edge>` also gets Gephi's non-standard
    `label="RELATION"` attribute (Gephi's edge type); the file is then no longer valid against
    the GraphML schema.
    """
    with files.open(FORMAT.files[0]) as out:
        _write(p, out, bool(ctx.options.get("edge_types")))


def _write(p: Prepared, out: BinaryIO, edge_types: bool) -> None:
    # the hot loops of big exports: each element is one %-template (made once per shape of
    # attributes) filled from a row, a block of rows at a time
    sink = Sink(out)
    sink.add(HEADER)
    node_lines, nkeys = _keys(p.node_columns, "node", "kn")
    edge_lines, ekeys = _keys(p.edge_columns, "edge", "ke")
    for line in node_lines + edge_lines:
        sink.add(line)
    sink.add('  <graph id="G" edgedefault="directed">\n')
    shapes: dict[tuple[str, ...], str] = {}

    def node_template(keys: tuple[str, ...]) -> str:
        tpl = shapes[keys] = _template('    <node id="%s">', keys, nkeys, "</node>\n")
        return tpl

    for block in p.node_blocks(sink.block):
        tpl = shapes.get(block.columns) or node_template(block.columns)
        rows = zip(block.xml_ids, *block.values, strict=True)
        sink.write(list(map(tpl.__mod__, rows)) if block.plain
                   else [tpl % (row[0], *_escaped(row[1:])) for row in rows])
    # edges sharing one attribute dict (a loaded network's part_of edges) share its cells
    cells: dict[int, str] = {}
    edge_shapes: dict[tuple[str, ...], str] = {}

    def render(attrs: dict[str, Scalar]) -> str:
        keys = tuple(attrs)
        tpl = edge_shapes.get(keys)
        if tpl is None:
            tpl = edge_shapes[keys] = _template("", keys, ekeys, "</edge>\n")
        text = cells[id(attrs)] = tpl % _values(attrs)
        return text

    def relation(attrs: dict[str, Scalar]) -> str:
        return f' label="{esc_attr(str(attrs["relation"]))}"' if "relation" in attrs else ""

    head = '    <edge id="%s" source="%s" target="%s"%s>'
    for items in chunks(p.edge_items(xml=True), sink.block):
        sink.write([head % (key, u, v, relation(attrs) if edge_types else "")
                    + (cells.get(id(attrs)) or render(attrs)) for key, u, v, attrs in items])
    sink.add("  </graph>\n</graphml>\n")
    sink.flush()


FORMAT = Format("graphml", ("graph.graphml",), "application/graphml+xml",
                "GraphML for Gephi, Cytoscape, yEd, igraph and networkx", write,
                options=("edge_types",))
