"""Pairing advice: candidate partners of a village ranked by the five principles of S1."""

from __future__ import annotations

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import (
    EntityRef,
    StatusOut,
    check_year,
    indexes,
    is_joint,
    status_name,
    status_of,
    status_out,
)
from graphsvc.queries.common import ref as eref

PRINCIPLES: dict[str, str] = {
    "adjacent": "地域相邻",
    "industry": "产业相近",
    "function": "功能相似",
    "resources": "资源相融",
    "development": "发展相促",
}
SCOPES = ("township", "district")
"""The `scope` option: the village's own township (the default), or the whole district."""
DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(PRINCIPLES, 1.0)


class PrincipleScore(BaseModel):
    """One principle's score for a candidate (null when the data for it is missing)."""

    principle: str
    zh: str
    score: float | None
    weight: float
    detail: str


class Candidate(BaseModel):
    """A candidate partner with its total score and each principle's part in it."""

    rank: int
    entity: EntityRef
    score: float
    status: str
    principles: list[PrincipleScore]
    linked_via: list[EntityRef]


class RecommendResult(BaseModel):
    """Candidate partners of a village, best first, and what the advice rests on."""

    village: EntityRef
    year: int
    status: StatusOut
    weights: dict[str, float]
    constraints: list[str]
    missing: list[str]
    data: list[Candidate]
    count: int


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """The weights to use: defaults overridden by the given ones, each checked."""
    out = dict(DEFAULT_WEIGHTS)
    for k, w in (weights or {}).items():
        if k not in PRINCIPLES:
            raise InvalidQuery(f"unknown principle '{k}'; valid principles: "
                               + ", ".join(f"{p} ({z})" for p, z in PRINCIPLES.items()))
        if not isinstance(w, (int, float)) or w < 0:
            raise InvalidQuery(f"weight of '{k}' must be a number >= 0, not {w!r}")
        out[k] = float(w)
    if sum(out.values()) <= 0:
        raise InvalidQuery("at least one weight must be above 0")
    return out


def _tags(attrs: dict[str, object]) -> set[str]:
    return set(filter(None, str(attrs.get("tags") or "").split(";")))


def tags_of(net: Network, node: str) -> set[str]:
    """Industry tags of a node, of places around it or developed by its joint orgs, and of
    the partners (enterprises) it shares a joint org with."""
    g = net.graph
    idx = indexes(net)
    schema = net.schema
    around = {schema.relation("covers"), schema.relation("located_in")} - {None}
    place, develops = schema.kind("place"), schema.relation("develops")
    partners = schema.kinds_with("partner")
    tags = _tags(g.nodes[node])
    for u, _, rel in g.in_edges(node, data="relation"):
        if rel in around and g.nodes[u]["kind"] == place:
            tags |= _tags(g.nodes[u])
    for org, _ in idx.orgs_of.get(node, []):
        if not is_joint(net, org):
            continue
        for _, p, rel in g.out_edges(org, data="relation"):
            if rel == develops:
                tags |= _tags(g.nodes[p])
        for m, _ in idx.members.get(org, []):
            if g.nodes[m]["kind"] in partners:
                tags |= _tags(g.nodes[m])
    return tags


def resources_of(net: Network, node: str) -> set[str]:
    """What a node brings: places around it, and partners or org fellows that are not villages
    (`place:SUBTYPE`, `partner:KIND`)."""
    g = net.graph
    idx = indexes(net)
    schema = net.schema
    around = {schema.relation("covers"), schema.relation("located_in")} - {None}
    place, develops = schema.kind("place"), schema.relation("develops")
    partners = schema.kinds_with("partner")
    res: set[str] = set()
    for u, _, rel in g.in_edges(node, data="relation"):
        if rel in around and g.nodes[u]["kind"] == place:
            res.add(f"place:{g.nodes[u].get('subtype') or place}")
    for org, _ in idx.orgs_of.get(node, []):
        if not is_joint(net, org):
            continue
        for m, _ in idx.members.get(org, []):
            if g.nodes[m]["kind"] in partners:
                res.add(f"partner:{g.nodes[m]['kind']}")
        for _, p, rel in g.out_edges(org, data="relation"):
            if rel == develops:
                res.add(f"place:{g.nodes[p].get('subtype') or place}")
    for other, _, _ in idx.partners.get(node, []):
        if g.nodes[other]["kind"] in partners:
            res.add(f"partner:{g.nodes[other]['kind']}")
    return res


def _income(net: Network, node: str, year: int) -> float | None:
    key = net.rules.income()
    if key is None:
        return None
    measures = net.schema.measures
    vals = [(f.year, f.value) for f in net.facts.get(node, [])
            if f.fact in measures and f.key == key and f.value is not None
            and f.year is not None and f.year <= year]
    return max(vals)[1] if vals else None


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _development(net: Network, v: str, c: str, year: int) -> tuple[float | None, str]:
    sv, sc = status_name(net, v, year), status_name(net, c, year)
    if "unknown" not in (sv, sc):
        if sv != sc:
            return 1.0, f"{sv} and {sc}: the strong one can lead (以强带弱)"
        return 0.2, f"both {sv}: no strength gap"
    iv, ic = _income(net, v, year), _income(net, c, year)
    if iv is not None and ic is not None and max(iv, ic) > 0:
        gap = abs(iv - ic) / max(iv, ic)
        return round(gap, 3), f"collective income {iv:g} vs {ic:g}"
    return None, f"status {sv} / {sc} in {year}: no income or status data to compare"


def _scores(net: Network, v: str, c: str, year: int, n_town: int,
            w: dict[str, float]) -> list[PrincipleScore]:
    g = net.graph
    av, ac = g.nodes[v], g.nodes[c]
    out: list[PrincipleScore] = []
    if av.get("township") == ac.get("township"):
        diff = abs(int(v) - int(c)) if v.isdigit() and c.isdigit() else n_town
        prox = max(0.0, 1 - diff / max(n_town, 1))
        adj = (round(0.5 + 0.5 * prox, 3), f"same township; codes {diff} apart")
    else:
        adj = (0.0, "different township (township adjacency is not in the data)")
    out.append(PrincipleScore(principle="adjacent", zh=PRINCIPLES["adjacent"], score=adj[0],
                              weight=w["adjacent"], detail=adj[1]))
    tv, tc = tags_of(net, v), tags_of(net, c)
    ind = ((round(_jaccard(tv, tc), 3), f"tags {sorted(tv)} vs {sorted(tc)}") if tv and tc
           else (None, "no industry tags for " + ", ".join(
               net.name(x) for x, t in ((v, tv), (c, tc)) if not t)))
    out.append(PrincipleScore(principle="industry", zh=PRINCIPLES["industry"], score=ind[0],
                              weight=w["industry"], detail=ind[1]))
    same = av.get("subtype") == ac.get("subtype")
    out.append(PrincipleScore(principle="function", zh=PRINCIPLES["function"],
                              score=1.0 if same else 0.0, weight=w["function"],
                              detail=f"{av.get('subtype')} / {ac.get('subtype')}"))
    rv, rc = resources_of(net, v), resources_of(net, c)
    res = ((round(len(rc - rv) / len(rc | rv), 3),
            f"brings {sorted(rc - rv)}; has {sorted(rv)}") if rv | rc
           else (None, "no places, enterprises or universities recorded for either"))
    out.append(PrincipleScore(principle="resources", zh=PRINCIPLES["resources"], score=res[0],
                              weight=w["resources"], detail=res[1]))
    dev = _development(net, v, c, year)
    out.append(PrincipleScore(principle="development", zh=PRINCIPLES["development"],
                              score=dev[0], weight=w["development"], detail=dev[1]))
    return out


def recommend(net: Network, ref: str, limit: int = 10, weights: dict[str, float] | None = None,
              year: int | None = None, scope: str = "township") -> RecommendResult:
    """Candidate partners of a village ranked by the five principles, each scored and shown."""
    target = ref
    y = check_year(net, year)
    w = check_weights(weights)
    if scope not in SCOPES:
        raise InvalidQuery(f"unknown scope '{scope}'; valid scopes: {', '.join(SCOPES)}")
    if not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    v = net.resolve(target)
    g = net.graph
    village = net.schema.kind("village")
    if g.nodes[v]["kind"] != village:
        raise InvalidQuery(f"'{target}' is a {g.nodes[v]['kind']}; pairing advice is for "
                           f"{village}s" if village else "the villages of a schema that has them")
    idx = indexes(net)
    town = g.nodes[v].get("township")
    local = scope == SCOPES[0]
    pool = (idx.villages.get(town, []) if local
            else [x for t in idx.townships for x in idx.villages.get(t, [])])
    n_town = len(idx.villages.get(town, [])) if town else 1
    mine = {o for o, _ in idx.orgs_of.get(v, []) if is_joint(net, o)}
    scored: list[tuple[float, str, list[PrincipleScore]]] = []
    for c in pool:
        if c == v:
            continue
        ps = _scores(net, v, c, y, n_town, w)
        total = sum(p.weight * (p.score or 0.0) for p in ps) / sum(w.values())
        scored.append((round(total, 4), c, ps))
    scored.sort(key=lambda s: (-s[0], s[1]))
    data = [Candidate(
        rank=i + 1, entity=eref(net, c), score=s, status=status_name(net, c, y),
        principles=ps, linked_via=[eref(net, o) for o, _ in idx.orgs_of.get(c, []) if o in mine])
        for i, (s, c, ps) in enumerate(scored[:limit])]
    missing = sorted({f"{p.principle} ({p.zh})" for cand in data for p in cand.principles
                      if p.score is None})
    constraints = [f"same township as {net.name(v)} ({net.name(town)})" if local
                   and town else "any village of the district",
                   "villages only; a missing principle scores 0 and is listed in `missing`"]
    return RecommendResult(village=eref(net, v), year=y, status=status_out(status_of(net, v, y)),
                           weights=w, constraints=constraints, missing=missing, data=data,
                           count=len(data))
