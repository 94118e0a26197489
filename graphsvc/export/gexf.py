"""GEXF 1.3 for Gephi and Gephi Lite: typed attributes, viz colours/sizes/positions, edge kinds."""

from __future__ import annotations

import datetime as _dt
from typing import BinaryIO

from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.prepare import Column, Prepared, Scalar, xml_ids
from graphsvc.export.xmlutil import Sink, esc_attr, fmt_value

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
    node_ids = xml_ids([n for n, _ in p.nodes], "n")
    id_of = dict(zip((n for n, _ in p.nodes), node_ids, strict=True))
    sink.add(f'    <nodes count="{len(p.nodes)}">\n')
    for (node, attrs), nid in zip(p.nodes, node_ids, strict=True):
        label = esc_attr(str(attrs.get("label", node)))
        viz = f'<viz:color {_rgb(str(attrs.get("color", "#7f7f7f")))}/>'
        size = attrs.get("size")
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size >= 0:
            viz += f'<viz:size value="{float(size)!r}"/>'
        pos = p.positions.get(node)
        if pos is not None:
            viz += f'<viz:position x="{pos[0]!r}" y="{pos[1]!r}" z="0.0"/>'
        sink.add(f'      <node id="{nid}" label="{label}">'
                 f'{_attvalues(attrs, nids)}{viz}</node>\n')
    sink.add("    </nodes>\n")
    sink.add(f'    <edges count="{len(p.edges)}">\n')
    for e, eid in zip(p.edges, xml_ids([e.key for e in p.edges], "e"), strict=True):
        extra = ""
        if "relation" in e.attrs:
            extra += f' kind="{esc_attr(str(e.attrs["relation"]))}"'
        if "label" in e.attrs:
            extra += f' label="{esc_attr(str(e.attrs["label"]))}"'
        sink.add(f'      <edge id="{eid}" source="{id_of[e.source]}" target="{id_of[e.target]}"'
                 f'{extra}>{_attvalues(e.attrs, eids)}</edge>\n')
    sink.add("    </edges>\n  </graph>\n</gexf>\n")
    sink.flush()


FORMAT = Format("gexf", ("graph.gexf",), "application/gexf+xml",
                "GEXF 1.3 with colours and sizes for Gephi and Gephi Lite", write)
