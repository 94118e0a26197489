"""Make every attribute scalar, clean and typed once, before any writer sees it.

Writers never touch raw networkx attribute dicts: they get a :class:`Prepared` graph whose
values are ``bool``, ``int``, ``float`` or ``str`` only, with a declared type per column.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

AttrType = Literal["boolean", "long", "double", "string"]
"""The type of an attribute column: these names are also GraphML's `attr.type`, GEXF's
`type` and neo4j-admin's header types, so the writers use them as they are."""
Scalar = bool | int | float | str

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF) and the C1
# controls, which XML allows but Gephi, Excel and many parsers choke on.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Column names must be an XML NMTOKEN for every parser (XML 1.0 4th and 5th edition alike) and
# carry no ':' (the Neo4j header separator): ASCII letters, digits, '_', '.', '-' and common CJK.
_NAME_BAD = re.compile("[^A-Za-z0-9_.\\-\u4e00-\u9fa5]")
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1

# Columns whose type is declared rather than inferred (see docs/exports.md).
NODE_TYPES: dict[str, AttrType] = {
    "label": "string", "name": "string", "kind": "string", "subtype": "string",
    "township": "string", "code": "string", "register_name": "string", "level": "string",
    "form": "string", "model": "string", "tags": "string", "aliases": "string",
    "pinyin": "string", "initials": "string", "source": "string", "note": "string",
    "status": "string", "color": "string", "status_color": "string", "degree": "long",
    "size": "double",
}
EDGE_TYPES: dict[str, AttrType] = {
    "relation": "string", "label": "string", "directed": "boolean", "role": "string",
    "since": "string", "until": "string", "source": "string", "note": "string",
}
# Reserved for what prepare adds: a graph attribute of the same name is replaced.
ADDED_NODE_COLUMNS = frozenset({"label", "status", "color", "status_color", "degree", "size"})

STATUS_COLORS: dict[str, str] = {"weak": "#e6550d", "strong": "#31a354", "unknown": "#bdbdbd"}
OTHER_COLOR = "#7f7f7f"


@dataclass(frozen=True)
class Column:
    """One attribute column: its (cleaned) name and declared type."""

    name: str
    type: AttrType


@dataclass(frozen=True)
class EdgeRow:
    """One edge: its key, ends and cleaned attributes."""

    key: str
    source: str
    target: str
    attrs: dict[str, Scalar]


@dataclass
class Prepared:
    """A graph ready for writers: typed columns and rows of scalar values."""

    node_columns: list[Column]
    edge_columns: list[Column]
    nodes: list[tuple[str, dict[str, Scalar]]]
    edges: list[EdgeRow]
    year: int | None = None
    color_by: str = "kind"
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """The string without characters XML forbids (and C1 controls)."""
    return _BAD_CHARS.sub("", value) if _BAD_CHARS.search(value) else value


@functools.lru_cache(maxsize=4096)
def clean_name(name: object) -> str:
    """A column name safe as a GraphML attr.name, a GEXF title, a CSV and a Neo4j header."""
    text = _NAME_BAD.sub("_", str(name))
    return text if text and not text[0].isdigit() and text[0] not in ".-" else f"_{text}"


def scalar(value: Any) -> Scalar | None:
    """A writer-ready scalar for any value, or None when it should be absent.

    >>> scalar(["北京市", "房山区"]), scalar(float("nan")), scalar(" "), scalar(True)
    ('北京市;房山区', None, None, True)
    """
    if type(value) is str:  # the common case, first
        if _BAD_CHARS.search(value):
            value = _BAD_CHARS.sub("", value)
        return None if not value or value.isspace() else value
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if LONG_MIN <= value <= LONG_MAX else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = clean_text(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        parts = [scalar(v) for v in (sorted(value, key=str) if isinstance(value, (set, frozenset))
                                     else value)]
        text = ";".join(_text(p) for p in parts if p is not None)
    elif isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        text = value.isoformat()
    elif isinstance(value, Mapping):
        text = clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    elif hasattr(value, "item") and callable(value.item):  # numpy scalars
        return scalar(value.item())
    else:
        text = clean_text(str(value))
    return text if text.strip() else None


def _text(v: Scalar) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def infer_type(values: Iterable[Scalar]) -> AttrType:
    """The narrowest declared type that holds every value of a column."""
    return type_for({type(v) for v in values})


def type_for(seen: set[type]) -> AttrType:
    """The narrowest declared type for values of these Python types."""
    if not seen or seen == {str}:
        return "string"
    if seen == {bool}:
        return "boolean"
    if seen == {int}:
        return "long"
    if seen <= {int, float}:
        return "double"
    return "string"


def coerce(value: Scalar, kind: AttrType) -> Scalar:
    """A value converted to its column's type (only widening, so nothing is lost)."""
    if kind == "string" and not isinstance(value, str):
        return _text(value)
    if kind == "double" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _columns(seen: dict[str, set[type]], declared: dict[str, AttrType]) -> list[Column]:
    order = [n for n in declared if n in seen] + sorted(n for n in seen if n not in declared)
    cols = []
    for name in order:
        inferred = type_for(seen[name])
        declared_type = declared.get(name, inferred)
        # a graph that breaks a declaration is written as it is, never forced
        kind = declared_type if declared_type in (inferred, "string") else inferred
        cols.append(Column(name, kind))
    return cols


_search_bad = _BAD_CHARS.search
_sub_bad = _BAD_CHARS.sub


def _clean_attrs(data: Mapping[Any, Any], seen: dict[str, set[type]], names: dict[Any, str],
                 skip: frozenset[str] = frozenset()) -> dict[str, Scalar]:
    # the hot loop of big exports: the str case of scalar() is inlined
    out: dict[str, Scalar] = {}
    for k, v in data.items():
        name = names.get(k)
        if name is None:
            name = names[k] = clean_name(k if type(k) is str else str(k))
        if name in out or name in skip:
            continue
        s: Scalar | None
        if type(v) is str:
            s = _sub_bad("", v) if _search_bad(v) else v
            if not s or s.isspace():
                continue
        else:
            s = scalar(v)
            if s is None:
                continue
        out[name] = s
        t = type(s)
        types = seen.get(name)
        if types is None:
            seen[name] = {t}
        elif t not in types:
            types.add(t)
    return out


_ONLY_STR = {str}


def _clean_plain(data: Mapping[Any, Any], seen: dict[str, set[type]], names: dict[Any, str],
                 skip: frozenset[str], shapes: dict[tuple[Any, ...], list[str] | None],
                 ) -> dict[str, Scalar] | None:
    """`_clean_attrs` for the common case, about 3x faster: every value a non-blank string
    free of forbidden characters, under keys already seen together. None: take the slow path.
    """
    vals = list(data.values())
    if not vals or set(map(type, vals)) != _ONLY_STR or "" in vals:
        return None
    if _search_bad("".join(vals)) is not None or any(map(str.isspace, vals)):
        return None
    keys = tuple(data)
    if keys not in shapes:  # first time these keys come together: check them once
        found = [names.get(k) or names.setdefault(k, clean_name(k if type(k) is str else str(k)))
                 for k in keys]
        if len(set(found)) == len(found) and skip.isdisjoint(found):
            for c in found:
                seen.setdefault(c, set()).add(str)
            shapes[keys] = found
        else:
            shapes[keys] = None
    cols = shapes[keys]
    return dict(zip(cols, vals, strict=True)) if cols is not None else None


def _nodes(graph: nx.Graph) -> Iterable[tuple[Any, Mapping[Any, Any]]]:
    """(node, attributes) of a graph or graph view, read from its node mapping directly (the
    public view builds a tuple per node through several layers)."""
    node_map = getattr(graph, "_node", None)
    return node_map.items() if node_map is not None else graph.nodes(data=True)


def _edges(graph: nx.Graph) -> Iterator[tuple[Any, Any, Any, Mapping[Any, Any]]]:
    """(u, v, key, attributes) of every edge of a multigraph (or view), from its adjacency."""
    if not graph.is_multigraph():
        for u, v, data in graph.edges(data=True):
            yield u, v, None, data
        return
    succ = getattr(graph, "_succ", None) if graph.is_directed() else None
    if succ is None:
        yield from graph.edges(keys=True, data=True)
        return
    for u, nbrs in succ.items():
        for v, keydict in nbrs.items():
            for key, data in keydict.items():
                yield u, v, key, data


def prepare(graph: nx.MultiDiGraph, statuses: Mapping[str, Any] | None = None,
            year: int | None = None, color_by: str = "kind",
            positions: Mapping[Any, tuple[float, float]] | None = None,
            kind_colors: Mapping[str, str] | None = None) -> Prepared:
    """Clean and type the nodes and edges of `graph`, adding label, status, colours and size
    (`kind_colors`: the colour of each kind, from the schema; others are grey)."""
    statuses = statuses or {}
    kind_colors = kind_colors or {}
    nodes: list[tuple[str, dict[str, Scalar]]] = []
    node_seen: dict[str, set[type]] = {}
    edge_seen: dict[str, set[type]] = {}
    names: dict[Any, str] = {}
    shapes: dict[tuple[Any, ...], list[str] | None] = {}
    # edges first: their pass also counts the degrees (networkx's degree view sums per node)
    edges: list[EdgeRow] = []
    degrees: dict[Any, int] = dict.fromkeys(graph, 0)
    # a loaded network shares one attribute dict between equal edges (the register's
    # part_of edges): clean each such dict once and share the result the same way
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
        attrs = _clean_plain(data, node_seen, names, ADDED_NODE_COLUMNS, shapes)
        if attrs is None:
            attrs = _clean_attrs(data, node_seen, names, skip=ADDED_NODE_COLUMNS)
        own = data.get("label")
        label = (scalar(own) if own is not None else None) or attrs.get("name") \
            or clean_text(nid) or nid
        st = statuses.get(nid)
        status = str(getattr(st, "status", st)) if st is not None else "unknown"
        degree = degrees[node]
        kind = str(attrs.get("kind", ""))
        added: dict[str, Scalar] = {
            "label": _text(label), "status": status,
            "color": STATUS_COLORS.get(status, OTHER_COLOR) if color_by == "status"
            else kind_colors.get(kind, OTHER_COLOR),
            "status_color": STATUS_COLORS.get(status, OTHER_COLOR),
            "degree": degree, "size": round(4.0 + 3.0 * math.sqrt(degree), 3),
        }
        nodes.append((nid, {**added, **attrs}))
    if _safe_weight(edges):
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
    return Prepared(node_cols, edge_cols, nodes, edges, year, color_by, pos)


def _safe_weight(edges: list[EdgeRow]) -> bool:
    # Gephi deletes an edge of weight 0 and rejects a non-numeric weight: a `weight` column
    # that is not all positive numbers is written as `weight_value` instead.
    ws = [e.attrs["weight"] for e in edges if "weight" in e.attrs]
    if ws and not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0
                      for w in ws):
        for e in edges:
            if "weight" in e.attrs:
                e.attrs["weight_value"] = e.attrs.pop("weight")
        return True
    return False


def _coerce_rows(rows: Iterable[dict[str, Scalar]], cols: list[Column],
                 seen: dict[str, set[type]]) -> None:
    types = {c.name: c.type for c in cols}
    # only columns holding values of another type than the column's need a pass
    widen = {n for n, t in types.items()
             if (t == "string" and seen[n] != {str}) or (t == "double" and int in seen[n])}
    if not widen:
        return
    for attrs in rows:
        for k in widen.intersection(attrs):
            attrs[k] = coerce(attrs[k], types[k])


def is_number_like(text: str) -> bool:
    """Whether a string reads as a number (such ids are renumbered in XML: Gephi takes them
    as integers and networkx writes them that way for multigraph keys)."""
    if not text or text[0] not in "0123456789+-.iInN":
        return False  # float() accepts nothing else (ids here hold no whitespace)
    try:
        float(text)
    except ValueError:
        return False
    return True


def xml_ids(ids: list[str], prefix: str) -> list[str]:
    """The ids as written in GraphML/GEXF: the ids themselves when all are safe NMTOKENs,
    unique (ignoring case) and not numbers only where `prefix` is 'e'; else prefix + number."""
    seen: set[str] = set()
    ok = True
    for i in ids:
        low = i.lower()
        if (not i or _NAME_BAD.search(i) or low in seen
                or (prefix == "e" and is_number_like(i))):
            ok = False
            break
        seen.add(low)
    return list(ids) if ok else [f"{prefix}{n}" for n in range(1, len(ids) + 1)]
