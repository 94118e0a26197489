"""Shared result models and per-network indexes of the query layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.model.status import Status, StatusName
from graphsvc.network import Network
from graphsvc.queries.packed import ModelRows, PairLists


class EntityRef(BaseModel):
    """An entity as results name it: id, name, kind and township."""

    id: str
    name: str
    kind: str
    township: str | None = None
    township_name: str | None = None


class EvidenceItem(BaseModel):
    """One piece of evidence for a status: the rule, the fact and its source."""

    side: str
    rule: str
    rule_description: str
    fact: str
    key: str
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    source: str
    note: str | None = None


class StatusOut(BaseModel):
    """The weak / strong / unknown status of an entity for a year, with its evidence."""

    status: str
    year: int
    evidence: list[EvidenceItem] = []


class PathEdge(BaseModel):
    """One edge as walked: stored ends, relation, label, role and whether walked forwards."""

    key: str
    source: str
    target: str
    relation: str
    label: str
    role: str | None = None
    forward: bool = True
    since: str | None = None
    until: str | None = None
    cite: str | None = None


class PathOut(BaseModel):
    """A path: its nodes, edges, length and a readable string."""

    nodes: list[EntityRef]
    edges: list[PathEdge]
    length: int
    text: str


def ref(net: Network, node: str) -> EntityRef:
    """The EntityRef of a node id."""
    attrs = net.graph.nodes[node]
    town = attrs.get("township")
    return EntityRef(id=node, name=str(attrs["name"]), kind=str(attrs["kind"]), township=town,
                     township_name=net.name(town) if town and town in net.graph else None)


def status_out(st: Status) -> StatusOut:
    """The result form of a Status."""
    return StatusOut(status=st.status, year=st.year,
                     evidence=[EvidenceItem(**e.as_dict()) for e in st.evidence])  # type: ignore[arg-type]


def status_of(net: Network, node: str, year: int) -> Status:
    """The status of a node id for a year, with its evidence (unknown when no rule applies)."""
    return net.statuses(year).get(node) or Status(node, year, "unknown")


def status_name(net: Network, node: str, year: int) -> StatusName:
    """The status of a node id for a year, without its evidence: weak, strong or unknown."""
    return net.statuses(year).names.get(node, "unknown")


def edge_out(u: str, v: str, key: str, d: dict[str, Any], forward: bool = True) -> PathEdge:
    """The result form of a stored edge u -> v."""
    return PathEdge(key=key, source=u, target=v, relation=d["relation"], label=d["label"],
                    role=d.get("role"), forward=forward, since=d.get("since"),
                    until=d.get("until"), cite=d.get("source"))


def edge_text(net: Network, e: PathEdge) -> str:
    """An edge as a path step: `—成员→` walked forwards, `←成员—` backwards."""
    label = e.label
    spec = net.schema.relations.get(e.relation)
    if e.role and (spec is None or e.role != spec.plain_role):
        label += f"({net.schema.label('role', e.role)})"
    if not net.graph.edges[e.source, e.target, e.key].get("directed", True):
        return f" —{label}— "
    return f" —{label}→ " if e.forward else f" ←{label}— "


def path_out(net: Network, nodes: list[str], edges: list[PathEdge]) -> PathOut:
    """A PathOut with its readable text."""
    text = net.name(nodes[0]) + "".join(
        edge_text(net, e) + net.name(n) for e, n in zip(edges, nodes[1:], strict=True))
    return PathOut(nodes=[ref(net, n) for n in nodes], edges=edges, length=len(edges), text=text)


def check_year(net: Network, year: int | None) -> int:
    """The year to use: the given one, or the latest with data."""
    if year is None:
        return net.default_year()
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        raise InvalidQuery(f"year must be a year between 1900 and 2100, not {year!r}")
    return year


def check_models(net: Network, models: Iterable[str] | None) -> list[str]:
    """The model names asked for (all when None), checked against the schema."""
    valid = net.schema.model_names
    if models is None:
        return valid
    chosen = [m.strip() for m in models if m.strip()]
    bad = [m for m in chosen if m not in valid]
    if bad:
        raise InvalidQuery(f"unknown model {', '.join(repr(b) for b in bad)}; "
                           f"valid models: {', '.join(valid)}")
    return [m for m in valid if m in chosen]


def check_relations(net: Network, relations: Iterable[str] | None) -> list[str] | None:
    """The relation names asked for (None: all), checked against the schema."""
    if relations is None:
        return None
    chosen = [r.strip() for r in relations if r.strip()]
    bad = [r for r in chosen if r not in net.schema.relations]
    if bad:
        raise InvalidQuery(f"unknown relation {', '.join(repr(b) for b in bad)}; "
                           f"valid relations: {', '.join(net.schema.relations)}")
    return chosen


def resolve_township(net: Network, township: str | None) -> str | None:
    """The code of a township reference (code or name), or None."""
    if township is None:
        return None
    node = net.resolve(township)
    town_kind = net.schema.kind("township")
    if net.graph.nodes[node]["kind"] != town_kind:
        raise InvalidQuery(f"'{township}' is a {net.graph.nodes[node]['kind']}, not a "
                           f"{town_kind or 'township'}; give the code or name of a "
                           f"{net.schema.kinds[town_kind].en if town_kind else 'township'}")
    return node


@dataclass
class Indexes:
    """Lookups built once per network: members of orgs, orgs of entities, villages by township."""

    members: PairLists = field(default_factory=lambda: PairLists({}))  # org -> [(m, key)]
    orgs_of: PairLists = field(default_factory=lambda: PairLists({}))  # m -> [(org, key)]
    partners: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    villages: dict[str, list[str]] = field(default_factory=dict)  # township -> villages
    townships: list[str] = field(default_factory=list)
    joint_orgs: list[str] = field(default_factory=list)
    declared: dict[str, dict[str, int]] = field(default_factory=dict)  # org -> key -> count




def is_joint(net: Network, node: str) -> bool:
    """Whether a node is a joint organisation (the schema says which: `joint:`)."""
    return net.schema.is_joint(net.graph.nodes[node])


def indexes(net: Network) -> Indexes:
    """The indexes of a network, built on first use and kept as long as the network lives."""
    return net.cache.index("organisation indexes", lambda: _build_indexes(net))


def _build_indexes(net: Network) -> Indexes:
    g = net.graph
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    orgs_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    partners: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    schema = net.schema
    member, partner = schema.relation("member"), schema.relation("partner")
    for u, v, k, rel in g.edges(keys=True, data="relation"):
        if rel == member:
            members[v].append((u, k))
            orgs_of[u].append((v, k))
        elif rel == partner:
            partners[u].append((v, k, True))
            partners[v].append((u, k, False))
    villages: dict[str, list[str]] = defaultdict(list)
    townships: list[str] = []
    joint: list[str] = []
    village, town = schema.kind("village"), schema.kind("township")
    for node, attrs in g.nodes(data=True):
        if attrs["kind"] == village and attrs.get("township"):
            villages[attrs["township"]].append(node)
        elif attrs["kind"] == town:
            townships.append(node)
        elif schema.is_joint(attrs):
            joint.append(node)
    declared: dict[str, dict[str, int]] = defaultdict(dict)
    counted = {f for f, spec in schema.facts.items() if spec.value == "count"}
    for node, facts in net.facts.items():
        for f in sorted(facts, key=lambda f: f.year or 0):
            if f.fact in counted and f.value is not None:
                declared[node][f.key] = int(f.value)
    built = Indexes(
        members=PairLists({k: sorted(v) for k, v in members.items()}),
        orgs_of=PairLists({k: sorted(v) for k, v in orgs_of.items()}),
        partners={k: sorted(v) for k, v in partners.items()},
        villages={k: sorted(v) for k, v in villages.items()},
        townships=sorted(townships), joint_orgs=sorted(joint), declared=dict(declared))
    return built


def model_label(net: Network, model: str | None) -> str | None:
    """The Chinese label of a model name."""
    return net.schema.label("model", model) if model else None


# -- paging: every list answer pages the same way (limit, offset; totals on every page) ------
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)



def check_page(limit: int | None, offset: int) -> None:
    """Raise InvalidQuery unless `limit` is None or a whole number >= 1 and `offset` >= 0."""
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise InvalidQuery(f"offset must be a whole number >= 0, not {offset!r}")


@overload
def page_of(items: list[T], limit: int | None, offset: int) -> list[T]: ...


@overload
def page_of(items: ModelRows[M], limit: int | None, offset: int) -> list[M]: ...


@overload
def page_of(items: bytes, limit: int | None, offset: int) -> bytes: ...


def page_of(items: Any, limit: int | None, offset: int) -> Any:
    """`limit` items from `offset` (every item from `offset` when `limit` is None): a list of
    a list or of `ModelRows` (validated models), bytes of bytes."""
    return items[offset:] if limit is None else items[offset:offset + limit]


def whole(net: Network, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """The whole answer to a question, computed once per network and options, so that every
    page of it is a slice (a reload brings a new network and so a fresh cache)."""
    return net.cache.answer((f"whole {key[0]}", *key[1:]), compute)
