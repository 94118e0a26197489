"""Entities: the filtered, paged list and the one-entity view (what `graphsvc entities`,
`graphsvc show REF`, `GET /v1/entities` and `GET /v1/entities/{ref}` answer)."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import EntityRef, EvidenceItem, resolve_township
from graphsvc.queries.paths import neighbors

Scalar = str | int | float | bool
STATUSES = ("weak", "strong", "unknown")
MAX_RELATED = 50
"""Other ends listed per relation group of an entity (by id; `count` gives them all)."""
HIDDEN = {"name", "kind", "subtype", "township", "aliases"}  # shown as fields of their own


class Out(BaseModel):
    """Base of the entity models: no field beyond those declared."""

    model_config = ConfigDict(extra="forbid")


class EntitySummary(EntityRef, Out):
    """One entity in a list: the entity reference every result uses, plus subtype and model."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "110111009212", "name": "黄山店村", "kind": "village", "subtype": "村委会",
        "township": "110111009", "township_name": "周口店镇", "model": None}]})
    subtype: str | None = None
    model: str | None = None


class EntityList(Out):
    """A page of entities: `data`, `count` (items on this page) and the `next` cursor."""

    data: list[EntitySummary]
    count: int
    next: str | None = Field(None, description="cursor of the next page (null on the last)")


class SourceOut(Out):
    """A source that records cite, with its licence."""

    id: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    licence: str | None = None
    note: str | None = None


class FactOut(Out):
    """A dated fact about an entity, with its source."""

    fact: str
    key: str
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: int | None = None
    model: str | None = None
    note: str | None = None
    source: SourceOut


class EntityStatus(Out):
    """Weak / strong / unknown for a year, with the evidence."""

    entity: str
    year: int
    status: Literal["weak", "strong", "unknown"]
    evidence: list[EvidenceItem]


class RelatedOut(Out):
    """The entity at the other end of a relation."""

    id: str
    name: str
    kind: str
    role: str | None = None


class RelationGroup(Out):
    """The relations of one kind and direction of an entity."""

    relation: str
    label: str
    direction: Literal["out", "in"]
    count: int
    entities: list[RelatedOut] = Field(description="the first 50, by id")


class EntityDetail(Out):
    """One entity: attributes, aliases, facts with sources, status with evidence, relations."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "110111009212", "name": "黄山店村", "kind": "village", "subtype": "村委会",
        "township": "110111009", "township_name": "周口店镇",
        "attributes": {"code": "110111009212", "pinyin": "huangshandiancun"},
        "aliases": [], "facts": [], "status": {"entity": "110111009212", "year": 2022,
                                               "status": "strong", "evidence": []},
        "relations": []}]})
    id: str
    name: str
    kind: str
    subtype: str | None = None
    township: str | None = None
    township_name: str | None = None
    attributes: dict[str, Scalar]
    aliases: list[str]
    facts: list[FactOut]
    status: EntityStatus
    relations: list[RelationGroup]





def encode_cursor(after: str) -> str:
    """An opaque cursor that resumes a listing after entity id `after`."""
    raw = json.dumps({"after": after}, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The entity id a cursor resumes after; raises InvalidQuery when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidQuery("cursor: not a cursor this API gave out; start again without one") \
            from exc
    if not isinstance(after, str):
        raise InvalidQuery("cursor: not a cursor this API gave out; start again without one")
    return after


def sorted_ids(net: Network) -> list[str]:
    """Every entity id in order, sorted once per network."""
    return net.cache.index("entity ids, sorted", lambda: sorted(net.graph.nodes))


def summary(net: Network, node: str) -> EntitySummary:
    """The list form of one entity."""
    a = net.graph.nodes[node]
    township = a.get("township")
    return EntitySummary(id=node, name=a["name"], kind=a["kind"], subtype=a.get("subtype"),
                         township=township, model=a.get("model"),
                         township_name=net.name(township) if township in net.graph else None)


def _choice(name: str, value: str | None, valid: list[str]) -> None:
    if value is not None and value not in valid:
        raise InvalidQuery(f"{name}: unknown value '{value}'; valid: {', '.join(valid)}")


def list_entities(net: Network, *, kind: str | None = None, township: str | None = None,
                  model: str | None = None, status: str | None = None, year: int | None = None,
                  q: str | None = None, after: str | None = None,
                  limit: int = 50) -> tuple[list[EntitySummary], str | None]:
    """One page of entities matching every filter, by id; and the id to resume after (or None).

    `township` is a code or name; `status` is weak, strong or unknown for `year` (default: the
    latest year with data); `q` matches id, name, alias, pinyin or initials (case-insensitive).
    """
    _choice("kind", kind, list(net.schema.kinds))
    _choice("model", model, net.schema.enums.get("model", []))
    _choice("status", status, list(STATUSES))
    town = resolve_township(net, township)
    statuses = net.statuses(year).names if status is not None else {}
    needle = q.strip().lower() if q else None
    ids = sorted_ids(net)
    start = bisect.bisect_right(ids, after) if after is not None else 0
    nodes = net.graph.nodes
    page: list[EntitySummary] = []
    for i in range(start, len(ids)):
        node = ids[i]
        a = nodes[node]
        if kind is not None and a["kind"] != kind:
            continue
        if town is not None and a.get("township") != town:
            continue
        if model is not None and a.get("model") != model:
            continue
        if status is not None and statuses.get(node, "unknown") != status:
            continue
        if needle is not None and not _matches(node, a, needle):
            continue
        if len(page) == limit:
            return page, page[-1].id
        page.append(summary(net, node))
    return page, None


def entities(net: Network, *, kind: str | None = None, township: str | None = None,
             model: str | None = None, status: str | None = None, year: int | None = None,
             q: str | None = None, cursor: str | None = None, limit: int = 50) -> EntityList:
    """One page of entities matching every filter, by id, with the cursor of the next page
    (`next`, None on the last): pass it back as `cursor` for the page after.

    The filters are those of :func:`list_entities`.
    """
    if not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    after = decode_cursor(cursor) if cursor else None
    page, last = list_entities(net, kind=kind, township=township, model=model, status=status,
                               year=year, q=q, after=after, limit=limit)
    return EntityList(data=page, count=len(page),
                      next=encode_cursor(last) if last is not None else None)


def _matches(node: str, a: dict[str, Any], needle: str) -> bool:
    hay = (node, a["name"], a.get("aliases", ""), a.get("pinyin", ""), a.get("initials", ""))
    return any(needle in str(h).lower() for h in hay)


def _source(net: Network, sid: str) -> dict[str, Any]:
    s = net.sources.get(sid)
    return {"id": sid, "title": sid} if s is None else s.model_dump()


def entity_detail(net: Network, ref: str, township: str | None = None,
                  year: int | None = None) -> dict[str, Any]:
    """Everything about one entity, in the shape of `EntityDetail`: attributes, aliases, facts
    with sources, status with evidence, relations by kind.

    Plain dicts on purpose: this is the hot path of the API, sent as JSON without re-validation
    (the tests check the shape against the model).
    """
    node = net.resolve(ref, township)
    a = net.graph.nodes[node]
    st = net.status(node, year)
    facts = []
    for f in net.facts.get(node, []):
        fact = {"fact": f.fact, "key": f.key, "value": f.value, "unit": f.unit,
                "qualifier": f.qualifier, "year": f.year, "model": f.model, "note": f.note,
                "source": _source(net, f.source)}
        facts.append(fact)
    town = a.get("township")
    return {
        "id": node, "name": a["name"], "kind": a["kind"], "subtype": a.get("subtype"),
        "township": town, "township_name": net.name(town) if town in net.graph else None,
        "attributes": {k: v for k, v in a.items() if k not in HIDDEN and v is not None},
        "aliases": [x for x in str(a.get("aliases", "")).split(";") if x],
        "facts": facts,
        "status": {"entity": st.entity, "year": st.year, "status": st.status,
                   "evidence": [e.as_dict() for e in st.evidence]},
        "relations": relation_groups(net, node),
    }


def entity(net: Network, ref: str, township: str | None = None,
           year: int | None = None) -> EntityDetail:
    """Everything about one entity (by code, id, name or alias; `township` narrows a name):
    attributes, aliases, facts with sources, status with evidence, relations by kind."""
    return EntityDetail.model_validate(entity_detail(net, ref, township, year))


def entity_json(net: Network, ref: str, township: str | None = None,
                year: int | None = None) -> bytes:
    """:func:`entity_detail` as JSON bytes (what the API caches per network and sends)."""
    return to_json(entity_detail(net, ref, township, year))


def neighbors_json(net: Network, ref: str, hops: int = 1,
                   relations: list[str] | None = None) -> bytes:
    """The ego network of an entity (`queries.neighbors`) as JSON bytes, for the API's cache."""
    return neighbors(net, ref, hops=hops, relations=relations).model_dump_json().encode()


def relation_groups(net: Network, node: str) -> list[dict[str, Any]]:
    """The relations of an entity grouped by kind and direction, with the other ends."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    labels: dict[str, str] = {}
    g = net.graph
    nodes = g.nodes
    for direction, edges in (("out", g.out_edges(node, data=True)),
                             ("in", g.in_edges(node, data=True))):
        for u, v, d in edges:
            other = v if direction == "out" else u
            rel = d["relation"]
            labels[rel] = d.get("label", rel)
            o = nodes[other]
            groups[(rel, direction)].append(
                {"id": other, "name": o["name"], "kind": o["kind"], "role": d.get("role")})
    out = []
    for (rel, direction), items in sorted(groups.items()):
        items.sort(key=lambda r: r["id"])
        out.append({"relation": rel, "label": labels[rel], "direction": direction,
                    "count": len(items), "entities": items[:MAX_RELATED]})
    return out
