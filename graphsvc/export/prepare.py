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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter
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


NodeRow = tuple[str, str, tuple[str, ...], tuple[Scalar, ...], bool]
"""One node as the writers get it: its id, its id in GraphML/GEXF (the same unless the ids are
renumbered, see `ids_kept`), its column names and values (in the same order), and whether the
row is *plain*: every value a str, int or float (no bool) with nothing to escape in XML, so
that a writer may format it with `%s` as it is."""
EdgeItem = tuple[str, str, str, dict[str, Scalar]]
"""One edge as the writers get it: key, source, target and cleaned attributes; equal edges of a
loaded network share one attribute dict, so a writer may render each dict once (by `id`)."""


@dataclass(frozen=True)
class NodeBlock:
    """Consecutive nodes of one shape, column by column (or one node that is not plain): what
    the XML writers turn into elements a block at a time, without a Python step per node."""

    columns: tuple[str, ...]
    plain: bool
    """Every row plain (see `NodeRow`)."""
    ids: list[str]
    xml_ids: list[str]
    """The ids as GraphML/GEXF write them (the same list as `ids` unless renumbered)."""
    values: list[Sequence[Scalar]]
    """One list per column, in the order of `columns`."""


class NodeRows:
    """The prepared nodes, made one at a time from the graph: `(id, attributes)` pairs."""

    def __init__(self, p: Prepared) -> None:
        self._p = p

    def __len__(self) -> int:
        return self._p.node_count

    def __iter__(self) -> Iterator[tuple[str, dict[str, Scalar]]]:
        for nid, _, keys, values, _ in self._p.node_rows():
            yield nid, dict(zip(keys, values, strict=True))


class EdgeRows:
    """The prepared edges, made one at a time from the graph: `EdgeRow`s."""

    def __init__(self, p: Prepared) -> None:
        self._p = p

    def __len__(self) -> int:
        return self._p.edge_count

    def __iter__(self) -> Iterator[EdgeRow]:
        for key, u, v, attrs in self._p.edge_items():
            yield EdgeRow(key, u, v, attrs)


@dataclass(eq=False)  # shapes are equal only to themselves (runs of them are grouped)
class _Shape:
    """The node attribute keys seen together (the keys of one node dict), when every key has
    its own clean column name outside the added ones: the columns of a plain row."""

    keys: tuple[Any, ...]  # the keys of the node dicts
    columns: tuple[str, ...]  # the added columns, then the cleaned names of the keys
    name_at: int | None  # index of the `name` key among the keys
    kind_at: int | None  # index of the `kind` key
    typed: bool = False  # str recorded for its columns (on its first plain node)


@dataclass
class Prepared:
    """A graph ready for writers: typed columns, and rows of scalar values made one at a time
    from the graph as a writer asks for them (:meth:`node_rows`, :meth:`edge_items`, or the
    `nodes` and `edges` sequences), so that no copy of a big graph is held whole."""

    node_columns: list[Column]
    edge_columns: list[Column]
    graph: nx.MultiDiGraph
    node_count: int
    edge_count: int
    node_ids_kept: bool
    """Whether GraphML/GEXF keep the node ids as they are (else they write n1, n2, ...)."""
    edge_ids_kept: bool
    """Whether GraphML/GEXF keep the edge keys as ids (else they write e1, e2, ...)."""
    year: int | None = None
    color_by: str = "kind"
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    _plan: list[_Shape | dict[str, Scalar]] = field(default_factory=list, repr=False)
    _cleaned: dict[int, dict[str, Scalar]] = field(default_factory=dict, repr=False)
    _degrees: dict[Any, int] = field(default_factory=dict, repr=False)
    _statuses: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _kind_colors: Mapping[str, str] = field(default_factory=dict, repr=False)
    _xml_node_ids: list[str] | None = field(default=None, repr=False)

    @property
    def nodes(self) -> NodeRows:
        """`(id, attributes)` of every node, in the graph's order."""
        return NodeRows(self)

    @property
    def edges(self) -> EdgeRows:
        """Every edge as an `EdgeRow`, in the graph's order."""
        return EdgeRows(self)

    def node_rows(self) -> Iterator[NodeRow]:
        """Every node as a `NodeRow`, in the graph's order. Rows of one shape share one
        columns tuple."""
        for b in self.node_blocks():
            cols, plain = b.columns, b.plain
            for nid, xid, *vals in zip(b.ids, b.xml_ids, *b.values, strict=True):
                yield nid, xid, cols, tuple(vals), plain

    def node_blocks(self, size: int = 4096) -> Iterator[NodeBlock]:
        """Every node in the graph's order, in blocks of at most `size` consecutive nodes of
        one shape: each column is made for the whole block by C-level maps, not row by
        row (the national register's villages all share a few shapes)."""
        kind_colors, degrees, plan = self._kind_colors, self._degrees, self._plan
        by_status = self.color_by == "status"
        text = {n: str(getattr(st, "status", st)) for n, st in self._statuses.items()
                if st is not None}
        # colours (from the schema) and statuses: rows are plain only when neither needs
        # escaping
        safe = _unsafe("".join([*kind_colors.values(), *STATUS_COLORS.values(), OTHER_COLOR,
                                *set(text.values())])) is None
        sizes = {d: round(4.0 + 3.0 * math.sqrt(d), 3) for d in set(degrees.values())}
        node_map = getattr(self.graph, "_node", None)
        if node_map is None:
            node_map = dict(self.graph.nodes(data=True))
        nodes, datas = list(node_map), list(node_map.values())
        ids = nodes if set(map(type, nodes)) <= {str} else [str(n) for n in nodes]
        xids = self._xml_node_ids or ids
        start = 0
        for how, group in groupby(plan):
            end = start + len(list(group))
            if type(how) is dict:  # not plain: cleaned and merged when prepared, one by one
                for i in range(start, end):
                    row = plan[i]
                    assert type(row) is dict
                    yield NodeBlock(tuple(row), False, ids[i:i + 1], xids[i:i + 1],
                                    [[v] for v in row.values()])
                start = end
                continue
            assert type(how) is _Shape
            for a in range(start, end, size):
                b = min(a + size, end)
                n, ds, bid = b - a, datas[a:b], ids[a:b]
                vals = [list(map(itemgetter(k), ds)) for k in how.keys]
                status = list(map(text.get, bid, repeat("unknown", n)))
                scolor = list(map(STATUS_COLORS.get, status, repeat(OTHER_COLOR, n)))
                color = scolor if by_status else list(map(
                    kind_colors.get, repeat("", n) if how.kind_at is None else vals[how.kind_at],
                    repeat(OTHER_COLOR, n)))
                degree = list(map(degrees.__getitem__, nodes[a:b]))
                label = bid if how.name_at is None else vals[how.name_at]
                yield NodeBlock(how.columns, safe, bid, xids[a:b],
                                [label, status, color, scolor, degree,
                                 list(map(sizes.__getitem__, degree)), *vals])
            start = end

    def edge_items(self, xml: bool = False) -> Iterator[EdgeItem]:
        """Every edge as `(key, source, target, attributes)`, in the graph's order; with
        `xml`, key, source and target as GraphML/GEXF write them (see `ids_kept`)."""
        cleaned = self._cleaned
        renumber = self._xml_node_ids is not None and xml
        number = dict(zip((n if type(n) is str else str(n) for n in self.graph),
                          self._xml_node_ids or (), strict=True)) if renumber else {}
        keys_kept = self.edge_ids_kept or not xml
        succ = _successors(self.graph)
        if succ is not None and keys_kept and not renumber:  # the common case, one loop
            for u, nbrs in succ.items():
                su = u if type(u) is str else str(u)
                for v, keydict in nbrs.items():
                    sv = v if type(v) is str else str(v)
                    for key, data in keydict.items():
                        yield key if type(key) is str else str(key), su, sv, cleaned[id(data)]
            return
        for i, (u, v, key, data) in enumerate(_edges(self.graph), 1):
            su = u if type(u) is str else str(u)
            sv = v if type(v) is str else str(v)
            if renumber:
                su, sv = number[su], number[sv]
            yield (key if type(key) is str else str(key)) if keys_kept else f"e{i}", su, sv, \
                cleaned[id(data)]


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
# what keeps a row from being plain: a character to clean (above) or to escape in XML text or
# attribute values (& < > " and tab, LF, CR)
_unsafe = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff&<>\"]").search
# the same and every character str.isspace() holds a space
_unsafe_or_space = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff&<>\"\\s]").search


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


_ADDED_ORDER = ("label", "status", "color", "status_color", "degree", "size")


def _shape_of(keys: tuple[Any, ...], names: dict[Any, str]) -> _Shape | None:
    """The shape of plain rows with these keys, or None when two keys clean to one column name
    or a key is one of the added columns (such rows take the slow path)."""
    found = [names.get(k) or names.setdefault(k, clean_name(k if type(k) is str else str(k)))
             for k in keys]
    if len(set(found)) != len(found) or not ADDED_NODE_COLUMNS.isdisjoint(found):
        return None
    return _Shape(keys, (*_ADDED_ORDER, *found),
                  found.index("name") if "name" in found else None,
                  found.index("kind") if "kind" in found else None)


def _nodes(graph: nx.Graph) -> Iterable[tuple[Any, Mapping[Any, Any]]]:
    """(node, attributes) of a graph or graph view, read from its node mapping directly (the
    public view builds a tuple per node through several layers)."""
    node_map = getattr(graph, "_node", None)
    return node_map.items() if node_map is not None else graph.nodes(data=True)


def _successors(graph: nx.Graph) -> Mapping[Any, Mapping[Any, Mapping[Any, Any]]] | None:
    """The adjacency of a directed multigraph (node -> successor -> key -> attributes), read
    directly; None for other graphs."""
    if not (graph.is_multigraph() and graph.is_directed()):
        return None
    succ: Mapping[Any, Mapping[Any, Mapping[Any, Any]]] | None = getattr(graph, "_succ", None)
    return succ


def _edges(graph: nx.Graph) -> Iterator[tuple[Any, Any, Any, Mapping[Any, Any]]]:
    """(u, v, key, attributes) of every edge of a multigraph (or view), from its adjacency."""
    if not graph.is_multigraph():
        for u, v, data in graph.edges(data=True):
            yield u, v, None, data
        return
    succ = _successors(graph)
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
    (`kind_colors`: the colour of each kind, from the schema; others are grey).

    One pass over the graph finds the columns and their types; the rows are made again from
    the graph when a writer reads them. Only what that pass cannot redo cheaply is kept: the
    cleaned attributes of each distinct edge dict, of each node that is not plain (see
    `NodeRow`), and the degrees. A plain node (every value a non-blank string with nothing to
    clean or escape, under keys that are clean column names) is kept as its shape only.
    """
    statuses = statuses or {}
    kind_colors = kind_colors or {}
    node_seen: dict[str, set[type]] = {}
    edge_seen: dict[str, set[type]] = {}
    names: dict[Any, str] = {}
    # edges first: their pass also counts the degrees (networkx's degree view sums per node)
    degrees: dict[Any, int] = dict.fromkeys(graph, 0)
    # a loaded network shares one attribute dict between equal edges (the register's
    # part_of edges): clean each such dict once and share the result the same way
    cleaned: dict[int, dict[str, Scalar]] = {}
    edge_keys: list[Any] = []
    succ = _successors(graph)
    if succ is not None:  # the common case: degrees counted per pair of nodes
        for u, nbrs in succ.items():
            out = 0
            for v, keydict in nbrs.items():
                n = len(keydict)
                out += n
                degrees[v] += n
                edge_keys.extend(keydict)
                for data in keydict.values():
                    if id(data) not in cleaned:
                        cleaned[id(data)] = _clean_attrs(data, edge_seen, names)
            degrees[u] += out
    else:
        for u, v, key, data in _edges(graph):
            degrees[u] += 1
            degrees[v] += 1
            edge_keys.append(key)
            if id(data) not in cleaned:
                cleaned[id(data)] = _clean_attrs(data, edge_seen, names)
    plan: list[_Shape | dict[str, Scalar]] = []
    add = plan.append
    shapes: dict[tuple[Any, ...], _Shape | None] = {}
    for node, data in _nodes(graph):
        keys = tuple(data)
        try:
            shape = shapes[keys]
        except KeyError:  # keys first seen together
            shape = shapes[keys] = _shape_of(keys, names)
        if shape is not None:  # plain: non-blank strings with nothing to clean or escape
            vals = data.values()
            try:
                text = "".join(vals)
            except TypeError:  # a value that is not a string
                text = None
            if (text is not None and "" not in vals
                    and (_unsafe_or_space(text) is None  # one search for the common case
                         or (_unsafe(text) is None and not any(map(str.isspace, vals))))
                    and (shape.name_at is not None or _unsafe(str(node)) is None)):
                if not shape.typed:  # str for its columns, once
                    for c in shape.columns[len(_ADDED_ORDER):]:
                        node_seen.setdefault(c, set()).add(str)
                    shape.typed = True
                add(shape)
                continue
        nid = node if type(node) is str else str(node)
        attrs = _clean_attrs(data, node_seen, names, skip=ADDED_NODE_COLUMNS)
        add({**added_columns(nid, data, attrs, statuses, degrees[node], color_by, kind_colors),
             **attrs})
    if _safe_weight(cleaned.values()):
        edge_seen["weight_value"] = edge_seen.pop("weight")
    if plan:
        for name, typ in (("label", str), ("status", str), ("color", str),
                          ("status_color", str), ("degree", int), ("size", float)):
            node_seen.setdefault(name, set()).add(typ)
    node_cols = _columns(node_seen, NODE_TYPES)
    edge_cols = _columns(edge_seen, EDGE_TYPES)
    # plain rows hold strings only, in columns of type string: nothing to widen there
    _coerce_rows((a for a in plan if type(a) is dict), node_cols, node_seen)
    _coerce_rows(cleaned.values(), edge_cols, edge_seen)
    pos = {str(n): (float(x), float(y)) for n, (x, y) in (positions or {}).items()}
    node_ids = [n if type(n) is str else str(n) for n in graph]
    nodes_kept = ids_kept(node_ids, "n")
    if set(map(type, edge_keys)) - {str}:
        edge_keys = [k if type(k) is str else str(k) for k in edge_keys]
    return Prepared(node_cols, edge_cols, graph, len(plan), len(edge_keys), nodes_kept,
                    ids_kept(edge_keys, "e"), year, color_by, pos, plan, cleaned, degrees,
                    statuses, kind_colors,
                    None if nodes_kept else [f"n{i}" for i in range(1, len(node_ids) + 1)])


def added_columns(nid: str, data: Mapping[Any, Any], attrs: Mapping[str, Scalar],
                  statuses: Mapping[str, Any], degree: int, color_by: str,
                  kind_colors: Mapping[str, str]) -> dict[str, Scalar]:
    """What prepare adds to a node's cleaned attributes `attrs` (label, status, colours,
    degree, size), in their order; a plain row computes the same in `Prepared.node_rows`."""
    own = data.get("label")
    label = (scalar(own) if own is not None else None) or attrs.get("name") \
        or clean_text(nid) or nid
    st = statuses.get(nid)
    status = str(getattr(st, "status", st)) if st is not None else "unknown"
    kind = str(attrs.get("kind", ""))
    return {
        "label": _text(label), "status": status,
        "color": STATUS_COLORS.get(status, OTHER_COLOR) if color_by == "status"
        else kind_colors.get(kind, OTHER_COLOR),
        "status_color": STATUS_COLORS.get(status, OTHER_COLOR),
        "degree": degree, "size": round(4.0 + 3.0 * math.sqrt(degree), 3),
    }


def _safe_weight(attr_dicts: Iterable[dict[str, Scalar]]) -> bool:
    # Gephi deletes an edge of weight 0 and rejects a non-numeric weight: a `weight` column
    # that is not all positive numbers is written as `weight_value` instead.
    dicts = list(attr_dicts)
    ws = [a["weight"] for a in dicts if "weight" in a]
    if ws and not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0
                      for w in ws):
        for a in dicts:
            if "weight" in a:
                a["weight_value"] = a.pop("weight")
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


_CAPITAL = re.compile("[A-Z]").search
_NUMBER_START = re.compile("^[0-9+\\-.iInN]", re.MULTILINE).search


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


def ids_kept(ids: list[str], prefix: str) -> bool:
    """Whether GraphML/GEXF write these ids as they are: all safe NMTOKENs, unique ignoring
    case (Gephi lower-cases them) and, where `prefix` is 'e', not numbers only."""
    text = "".join(ids)
    if "" in ids or _NAME_BAD.search(text) is not None:
        return False
    # ids with no capital letter are their own lower case (and strings cache their hashes)
    if len(set(map(str.lower, ids) if _CAPITAL(text) else ids)) != len(ids):
        return False
    if prefix != "e" or _NUMBER_START("\n".join(ids)) is None:  # no id starts like a number
        return True
    return not any(map(is_number_like, ids))


def xml_ids(ids: list[str], prefix: str) -> list[str]:
    """The ids as written in GraphML/GEXF: the ids themselves when `ids_kept`, else prefix +
    number."""
    return list(ids) if ids_kept(ids, prefix) else [f"{prefix}{n}" for n in range(1, len(ids) + 1)]
