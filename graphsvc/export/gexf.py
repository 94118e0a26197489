"""GEXF 1.3 for Gephi and Gephi Lite: typed attributes, viz colours/sizes/positions, edge kinds."""

from __future__ import annotations

import datetime as _dt
from itertools import repeat
from typing import BinaryIO

from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.prepare import Column, Prepared, Scalar
from graphsvc.export.xmlutil import ATTR_SPECIAL, Sink, chunks, esc_attr, fmt_value

_attr_special = ATTR_SPECIAL.search

# Readers first: networkx's `read_gexf` finds viz elements only in `http://gexf.net/1.3/viz`
# (Gephi's importer matches them by name in any namespace, graphology by the `viz:` prefix), so
# the `viz` prefix is bound to that namespace. The published GEXF 1.3 XSD declares color, size
# and position in the main namespace instead: this is the one place a file fails that schema
# (docs/exports.md, "GEXF and its schema"); the rest of the file validates against it.
NS = "http://gexf.net/1.3"
NS_VIZ = "http://gexf.net/1.3/viz"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<gexf xmlns="{NS}" xmlns:viz="{NS_VIZ}" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    f'xsi:schemaLocation="{NS} http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
)


def _attributes(cols: list[Column], cls: str) -> tuple[str, dict[str, str]]:
    ids = {c.name: str(i) for i, c in enumerate(cols)}
    lines = [f'    <attributes class="{cls}" mode="static">\n']
    lines += [f'      <attribute id="{ids[c.name]}" title="{esc_attr(c.name)}" '
              f'type="{c.type}"/>\n' for c in cols]
    lines.append("    </attributes>\n")
    return "".join(lines), ids


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    try:
        r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        r, g, b = 127, 127, 127
    return f'r="{r}" g="{g}" b="{b}"'


def _escaped(attrs: dict[str, Scalar]) -> tuple[str, ...]:
    # one search over all values finds whether any needs escaping
    vals = tuple([v if type(v) is str else fmt_value(v) for v in attrs.values()])
    if _attr_special("".join(vals)) is not None:
        vals = tuple([esc_attr(v) for v in vals])
    return vals


def _attvalues(attrs: dict[str, Scalar], ids: dict[str, str]) -> str:
    vals = "".join(f'<attvalue for="{ids[k]}" value="{esc_attr(fmt_value(v))}"/>'
                   for k, v in attrs.items())
    return f"<attvalues>{vals}</attvalues>" if vals else ""


def write(p: Prepared, files: Files, ctx: ExportContext) -> None:
    """Write `p` as one GEXF 1.3 file (viz colour by kind or status, size by degree)."""
    desc = "graphsvc export" + (f", status year {ctx.year}" if ctx.year is not None else "")
    with files.open(FORMAT.files[0]) as out:
        _write(p, out, desc)


def _write(p: Prepared, out: BinaryIO, description: str) -> None:
    sink = Sink(out)
    sink.add(HEADER)
    today = _dt.date.today().isoformat()
    desc = f"<description>{esc_attr(description)}</description>" if description else ""
    sink.add(f'  <meta lastmodifieddate="{today}"><creator>graphsvc</creator>{desc}</meta>\n')
    sink.add('  <graph defaultedgetype="directed" mode="static">\n')
    node_attrs, nids = _attributes(p.node_columns, "node")
    edge_attrs, eids = _attributes(p.edge_columns, "edge")
    sink.add(node_attrs)
    sink.add(edge_attrs)
    sink.add(f'    <nodes count="{p.node_count}">\n')
    # the hot loops of big exports: a plain row (see NodeRow) fills a %-template made once per
    # shape of attributes; other rows are escaped value by value
    rgb: dict[Scalar, str] = {}
    shapes: dict[tuple[str, ...], str] = {}
    positions = p.positions

    def node_template(keys: tuple[str, ...]) -> str:
        cells = "".join(f'<attvalue for="{nids[k]}" value="%s"/>' for k in keys)
        tpl = shapes[keys] = ('      <node id="%s" label="%s"><attvalues>' + cells
                              + '</attvalues><viz:color %s/><viz:size value="%r"/>%s</node>\n')
        return tpl

    def where(node: str) -> str:
        pos = positions.get(node)
        return "" if pos is None else f'<viz:position x="{pos[0]!r}" y="{pos[1]!r}" z="0.0"/>'

    for block in p.node_blocks(sink.block):
        if block.plain:  # columns start with label, status, color, status_color, degree, size
            tpl = shapes.get(block.columns) or node_template(block.columns)
            label, colors, sizes = block.values[0], block.values[2], block.values[5]
            for c in set(colors) - rgb.keys():
                rgb[c] = _rgb(str(c))
            places = map(where, block.ids) if positions else repeat("", len(block.ids))
            sink.write(list(map(tpl.__mod__, zip(block.xml_ids, label, *block.values,
                                                  map(rgb.__getitem__, colors), sizes, places,
                                                  strict=True))))
        else:
            sink.write([_node(xid, nid, dict(zip(block.columns, vals, strict=True)), nids,
                              where(nid))
                        for nid, xid, *vals in zip(block.ids, block.xml_ids, *block.values,
                                                   strict=True)])
    sink.add("    </nodes>\n")
    sink.add(f'    <edges count="{p.edge_count}">\n')
    # edges sharing one attribute dict share its rendered kind, label and attvalues
    rest: dict[int, str] = {}
    edge_shapes: dict[tuple[str, ...], str] = {}

    def render(attrs: dict[str, Scalar]) -> str:
        extra = ""
        if "relation" in attrs:
            extra += f' kind="{esc_attr(str(attrs["relation"]))}"'
        if "label" in attrs:
            extra += f' label="{esc_attr(str(attrs["label"]))}"'
        keys = tuple(attrs)
        tpl = edge_shapes.get(keys)
        if tpl is None:
            cells = "".join(f'<attvalue for="{eids[k]}" value="%s"/>' for k in keys)
            tpl = edge_shapes[keys] = f"<attvalues>{cells}</attvalues>" if cells else ""
        text = rest[id(attrs)] = f"{extra}>{tpl % _escaped(attrs)}</edge>\n"
        return text

    head = '      <edge id="%s" source="%s" target="%s"'
    for items in chunks(p.edge_items(xml=True), sink.block):
        sink.write([head % (key, u, v) + (rest.get(id(attrs)) or render(attrs))
                    for key, u, v, attrs in items])
    sink.add("    </edges>\n  </graph>\n</gexf>\n")
    sink.flush()


def _node(nid: str, node: str, attrs: dict[str, Scalar], ids: dict[str, str], where: str
          ) -> str:
    """One `<node>` of any row: every value escaped, the size written only when it is a
    number of at least 0."""
    label = esc_attr(str(attrs.get("label", node)))
    viz = f'<viz:color {_rgb(str(attrs.get("color", "#7f7f7f")))}/>'
    size = attrs.get("size")
    if isinstance(size, (int, float)) and not isinstance(size, bool) and size >= 0:
        viz += f'<viz:size value="{float(size)!r}"/>'
    return f'      <node id="{nid}" label="{label}">{_attvalues(attrs, ids)}{viz}{where}</node>\n'


FORMAT = Format("gexf", ("graph.gexf",), "application/gexf+xml",
                "GEXF 1.3 with colours and sizes for Gephi and Gephi Lite", write)
