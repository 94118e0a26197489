"""CSV files for `neo4j-admin database import full` (typed headers, one node and one
relationship file)."""

from __future__ import annotations

import csv
import re

from graphsvc.export.formats import ExportContext, Files, Format, text_stream
from graphsvc.export.prepare import Prepared, Scalar

NODE_FIXED = ("id",)
REL_FIXED = ("key",)


def label_of(kind: str) -> str:
    """A Neo4j node label for an entity kind: party_org -> PartyOrg."""
    name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\W]+", kind) if p)
    return name or "Entity"


def type_of(relation: str) -> str:
    """A Neo4j relationship type for a relation kind: member_of -> MEMBER_OF."""
    return re.sub(r"\W+", "_", relation).upper() or "RELATED_TO"


def _cell(v: Scalar | None) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write(p: Prepared, files: Files, ctx: ExportContext) -> None:
    """Write nodes.csv and relationships.csv with neo4j-admin headers (the prepared types,
    boolean/long/double/string, are neo4j-admin's type names)."""
    ncols = [c for c in p.node_columns if c.name not in NODE_FIXED]
    rcols = [c for c in p.edge_columns if c.name not in REL_FIXED]
    with files.open("nodes.csv") as out, text_stream(out, "utf-8") as fh:
        w = csv.writer(fh, lineterminator="\r\n")  # \r\n: a bare \r in a value gets quoted
        w.writerow(["id:ID", ":LABEL", *(f"{c.name}:{c.type}" for c in ncols)])
        for n, a in p.nodes:
            labels = ";".join(["Entity", label_of(str(a.get("kind", "")))]) if a.get("kind") \
                else "Entity"
            w.writerow([n, labels, *(_cell(a.get(c.name)) for c in ncols)])
    with files.open("relationships.csv") as out, text_stream(out, "utf-8") as fh:
        w = csv.writer(fh, lineterminator="\r\n")  # \r\n: a bare \r in a value gets quoted
        w.writerow([":START_ID", ":END_ID", ":TYPE", "key:string",
                    *(f"{c.name}:{c.type}" for c in rcols)])
        for e in p.edges:
            w.writerow([e.source, e.target, type_of(str(e.attrs.get("relation", ""))), e.key,
                        *(_cell(e.attrs.get(c.name)) for c in rcols)])


FORMAT = Format("neo4j", ("nodes.csv", "relationships.csv"), "text/csv",
                "nodes.csv and relationships.csv for neo4j-admin database import", write)
