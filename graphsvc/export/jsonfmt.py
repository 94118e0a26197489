"""networkx node-link JSON (`nodes`/`edges`, edges with `key`), streamed one record a line."""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from graphsvc.export.formats import ExportContext, Files, Format
from graphsvc.export.prepare import Prepared

# node-link reserves these fields; a graph attribute of the same name is renamed on the way
# out (edges carry their seed `source` as `source_id`, since `source` is the link's tail).
NODE_RENAMES = {"id": "id_attr"}
EDGE_RENAMES = {"source": "source_id", "target": "target_attr", "key": "key_attr"}


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def write(p: Prepared, files: Files, ctx: ExportContext) -> None:
    """Write `p` as node-link JSON that `networkx.node_link_graph(data, edges="edges")` reads;
    the graph's attributes are `ctx.graph_attrs` (generator, data version, status year)."""
    with files.open(FORMAT.files[0]) as out:
        _write(p, out, dict(ctx.graph_attrs))


def _write(p: Prepared, out: BinaryIO, graph_attrs: dict[str, Any]) -> None:
    head = {"directed": True, "multigraph": True, "graph": graph_attrs}
    out.write((_dump(head)[:-1] + ',\n"nodes":[\n').encode("utf-8"))
    buf: list[str] = []
    for i, (node, attrs) in enumerate(p.nodes):
        rec = {"id": node, **{NODE_RENAMES.get(k, k): v for k, v in attrs.items()}}
        buf.append(("," if i else "") + _dump(rec) + "\n")
        if len(buf) >= 2048:
            out.write("".join(buf).encode("utf-8"))
            buf = []
    buf.append('],\n"edges":[\n')
    for i, e in enumerate(p.edges):
        rec = {"source": e.source, "target": e.target, "key": e.key,
               **{EDGE_RENAMES.get(k, k): v for k, v in e.attrs.items()}}
        buf.append(("," if i else "") + _dump(rec) + "\n")
        if len(buf) >= 2048:
            out.write("".join(buf).encode("utf-8"))
            buf = []
    buf.append("]}\n")
    out.write("".join(buf).encode("utf-8"))


FORMAT = Format("json", ("graph.json",), "application/json",
                "networkx node-link JSON (nodes/edges)", write)
