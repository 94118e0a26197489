"""GraphML for Gephi, Cytoscape, igraph, yEd and networkx: typed keys, schema-valid, streamed."""

from __future__ import annotations

from typing import BinaryIO

from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.prepare import Column, Prepared, Scalar, xml_ids
from graphsvc.export.xmlutil import TEXT_SPECIAL, TEXT_TABLE, Sink, esc_attr, fmt_value

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
    # the hot loop of big exports: strings (most values) skip formatting, and escaping only
    # runs when one search over all of them finds a special character
    vals = tuple([v if type(v) is str else fmt_value(v) for v in attrs.values()])
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
    sink = Sink(out)
    sink.add(HEADER)
    node_lines, nkeys = _keys(p.node_columns, "node", "kn")
    edge_lines, ekeys = _keys(p.edge_columns, "edge", "ke")
    for line in node_lines + edge_lines:
        sink.add(line)
    sink.add('  <graph id="G" edgedefault="directed">\n')
    node_ids = xml_ids([n for n, _ in p.nodes], "n")
    id_of = dict(zip((n for n, _ in p.nodes), node_ids, strict=True))
    add = sink.add
    shapes: dict[tuple[str, ...], str] = {}
    for (_, attrs), nid in zip(p.nodes, node_ids, strict=True):
        keys = tuple(attrs)
        tpl = shapes.get(keys)
        if tpl is None:
            tpl = shapes[keys] = _template('    <node id="%s">', keys, nkeys, "</node>\n")
        add(tpl % (nid, *_values(attrs)))
    edge_ids = xml_ids([e.key for e in p.edges], "e")
    shapes = {}
    for e, eid in zip(p.edges, edge_ids, strict=True):
        typ = ""
        if edge_types and "relation" in e.attrs:
            typ = f' label="{esc_attr(str(e.attrs["relation"]))}"'
        keys = tuple(e.attrs)
        tpl = shapes.get(keys)
        if tpl is None:
            tpl = shapes[keys] = _template('    <edge id="%s" source="%s" target="%s"%s>', keys,
                                           ekeys, "</edge>\n")
        add(tpl % (eid, id_of[e.source], id_of[e.target], typ, *_values(e.attrs)))
    sink.add("  </graph>\n</graphml>\n")
    sink.flush()


FORMAT = Format("graphml", ("graph.graphml",), "application/graphml+xml",
                "GraphML for Gephi, Cytoscape, yEd, igraph and networkx", write,
                options=("edge_types",))
