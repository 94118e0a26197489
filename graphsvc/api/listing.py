"""Entity listing and the one-entity view: pure functions of a Network (no FastAPI here)."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections import defaultdict
from typing import Any

from pydantic_core import to_json

from graphsvc.api.models import EntitySummary
from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import resolve_township

HIDDEN = {"name", "kind", "subtype", "township", "aliases"}  # shown as fields of their own
MAX_RELATED = 50


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
    _choice("status", status, ["weak", "strong", "unknown"])
    town = resolve_township(net, township)
    statuses = net.statuses(year) if status is not None else {}
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
        if status is not None:
            st = statuses.get(node)
            if (st.status if st is not None else "unknown") != status:
                continue
        if needle is not None and not _matches(node, a, needle):
            continue
        if len(page) == limit:
            return page, page[-1].id
        page.append(summary(net, node))
    return page, None


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


def entity_json(net: Network, ref: str, township: str | None = None,
                year: int | None = None) -> bytes:
    """:func:`entity_detail` as JSON bytes (what the API caches per network and sends)."""
    return to_json(entity_detail(net, ref, township, year))


def neighbors_json(net: Network, ref: str, hops: int = 1,
                   relations: list[str] | None = None) -> bytes:
    """The ego network of an entity (`queries.neighbors`) as JSON bytes, for the API's cache."""
    from graphsvc.queries import neighbors

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
