"""CSV files for `neo4j-admin database import full` (typed headers, one node and one
relationship file)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from graphsvc.export.prepare import Prepared, Scalar

_NEO_TYPES = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
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


def write(p: Prepared, directory: Path) -> list[Path]:
    """Write nodes.csv and relationships.csv with neo4j-admin headers into `directory`."""
    ncols = [c for c in p.node_columns if c.name not in NODE_FIXED]
    rcols = [c for c in p.edge_columns if c.name not in REL_FIXED]
    nodes, rels = directory / "nodes.csv", directory / "relationships.csv"
    with nodes.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")  # \r\n: a bare \r in a value gets quoted
        w.writerow(["id:ID", ":LABEL", *(f"{c.name}:{_NEO_TYPES[c.type]}" for c in ncols)])
        for n, a in p.nodes:
            labels = ";".join(["Entity", label_of(str(a.get("kind", "")))]) if a.get("kind") \
                else "Entity"
            w.writerow([n, labels, *(_cell(a.get(c.name)) for c in ncols)])
    with rels.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")  # \r\n: a bare \r in a value gets quoted
        w.writerow([":START_ID", ":END_ID", ":TYPE", "key:string",
                    *(f"{c.name}:{_NEO_TYPES[c.type]}" for c in rcols)])
        for e in p.edges:
            w.writerow([e.source, e.target, type_of(str(e.attrs.get("relation", ""))), e.key,
                        *(_cell(e.attrs.get(c.name)) for c in rcols)])
    return [nodes, rels]
