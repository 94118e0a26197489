"""Weak villages linked to strong entities, and the gaps in those links."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import (
    EntityRef,
    PathOut,
    StatusOut,
    check_models,
    check_page,
    check_year,
    edge_out,
    indexes,
    is_joint,
    model_label,
    page_of,
    path_out,
    ref,
    resolve_township,
    status_name,
    status_of,
    status_out,
    whole,
)
from graphsvc.queries.packed import ModelRows

MAX_HOPS = 4


class WeakLink(BaseModel):
    """A weak entity, a strong one it is linked to, and how."""

    weak: EntityRef
    weak_status: StatusOut
    strong: EntityRef
    strong_status: StatusOut
    via: list[EntityRef]
    models: list[str]
    model_labels: list[str]
    hops: int
    path: PathOut
    sources: list[str]


class WeakLinkedResult(BaseModel):
    """Every weak entity with the strong entities it is linked to (one page of the links)."""

    year: int
    models: list[str]
    max_hops: int
    township: str | None
    weak_total: int
    total: int
    offset: int = 0
    limit: int | None = None
    data: list[WeakLink]
    count: int


Step = tuple[str, str, str, bool]
"""An edge as walked: stored source, stored target, key, walked forwards."""


@dataclass(frozen=True)
class _Trail:
    nodes: tuple[str, ...]
    edges: tuple[Step, ...]
    via: tuple[str, ...]
    models: tuple[str, ...]


def _steps(net: Network, node: str, models: set[str]) -> list[tuple[str, _Trail]]:
    """One link from `node`: through a joint org it shares, or a direct partnership."""
    idx = indexes(net)
    g = net.graph
    out: list[tuple[str, _Trail]] = []
    for org, k1 in idx.orgs_of.get(node, []):
        attrs = g.nodes[org]
        model = attrs.get("model")
        if not is_joint(net, org) or (model is not None and model not in models):
            continue
        e1 = (node, org, k1, True)
        mods = (model,) if model else ()
        for other, k2 in idx.members.get(org, []):
            if other != node:
                out.append((other, _Trail((org, other), (e1, (other, org, k2, False)), (org,),
                                          mods)))
    for other, k, fwd in idx.partners.get(node, []):
        pmodel = net.schema.partner_model(g.nodes[node]["kind"], g.nodes[other]["kind"])
        if pmodel is not None and pmodel not in models:
            continue
        u, v = (node, other) if fwd else (other, node)
        out.append((other, _Trail((other,), ((u, v, k, fwd),), (), (pmodel,) if pmodel else ())))
    return out


def links_of(net: Network, node: str, year: int, models: set[str],
             max_hops: int) -> list[tuple[str, _Trail, int]]:
    """Strong entities reachable from `node` in at most `max_hops` links: (strong, trail, hops)."""
    statuses = net.statuses(year).names
    seen = {node}
    start = _Trail((node,), (), (), ())
    queue: deque[tuple[str, _Trail, int]] = deque([(node, start, 0)])
    found: list[tuple[str, _Trail, int]] = []
    while queue:
        cur, trail, hops = queue.popleft()
        if hops == max_hops:
            continue
        for other, step in _steps(net, cur, models):
            if other in seen:
                continue
            seen.add(other)
            nxt = _Trail(trail.nodes + step.nodes, trail.edges + step.edges,
                         trail.via + step.via, trail.models + step.models)
            if statuses.get(other) == "strong":
                found.append((other, nxt, hops + 1))
            if hops + 1 < max_hops:
                queue.append((other, nxt, hops + 1))
    return sorted(found, key=lambda f: (f[2], f[0]))


def check_hops(max_hops: int) -> int:
    """A valid number of hops (1 to MAX_HOPS)."""
    if not isinstance(max_hops, int) or not 1 <= max_hops <= MAX_HOPS:
        raise InvalidQuery(f"max_hops must be a whole number from 1 to {MAX_HOPS}, "
                           f"not {max_hops!r}")
    return max_hops


def weak_entities(net: Network, year: int, township: str | None) -> list[str]:
    """Ids of every weak entity of a year (inside a township if given), ordered by id."""
    g = net.graph
    return sorted(n for n, st in net.statuses(year).names.items()
                  if st == "weak" and n in g
                  and (township is None or g.nodes[n].get("township") == township))


_Link = tuple[str, str, _Trail, int]


def _all_links(net: Network, year: int, models: tuple[str, ...], hops: int,
               town: str | None) -> tuple[list[str], list[_Link]]:
    """Every (weak, strong, trail, hops) of a question, found once per network and options."""
    def compute() -> tuple[list[str], list[_Link]]:
        weak = weak_entities(net, year, town)
        return weak, [(w, s, trail, n) for w in weak
                      for s, trail, n in links_of(net, w, year, set(models), hops)]

    return net.cache.answer(("weak-linked links", year, models, hops, town), compute)


def _link_out(net: Network, year: int, w: str, s: str, trail: _Trail, n: int) -> WeakLink:
    g = net.graph
    edges = [edge_out(u, v, k, g.edges[u, v, k], forward=f) for u, v, k, f in trail.edges]
    wst = status_out(status_of(net, w, year))
    sst = status_out(status_of(net, s, year))
    cites = {e.cite for e in edges if e.cite} | {e.source for e in [*wst.evidence, *sst.evidence]}
    ms = list(dict.fromkeys(trail.models))
    return WeakLink(
        weak=ref(net, w), weak_status=wst, strong=ref(net, s), strong_status=sst,
        via=[ref(net, o) for o in trail.via], models=ms,
        model_labels=[model_label(net, m) or m for m in ms], hops=n,
        path=path_out(net, list(trail.nodes), edges), sources=sorted(cites))


def weak_linked(net: Network, year: int | None = None, models: list[str] | None = None,
                max_hops: int = 1, township: str | None = None, limit: int | None = None,
                offset: int = 0) -> WeakLinkedResult:
    """Each weak entity with every strong entity it is linked to, the path and the evidence.

    The links are found once per network and options (an index walk, no scan of the graph);
    `limit` and `offset` page through them, and only the page is turned into results.
    """
    y = check_year(net, year)
    chosen = check_models(net, models)
    hops = check_hops(max_hops)
    town = resolve_township(net, township)
    check_page(limit, offset)
    weak, links = _all_links(net, y, tuple(chosen), hops, town)
    page = page_of(links, limit, offset)
    data = [_link_out(net, y, w, s, trail, n) for w, s, trail, n in page]
    return WeakLinkedResult(year=y, models=chosen, max_hops=hops, township=town,
                            weak_total=len(weak), total=len(links), offset=offset, limit=limit,
                            data=data, count=len(data))


class Gap(BaseModel):
    """One gap: what is missing and for which entity."""

    gap: str
    entity: EntityRef
    detail: str


class GapSummary(BaseModel):
    """Gap counts of one township (or of the district when `township` is null)."""

    township: EntityRef | None
    villages: int
    weak: int
    weak_without_strong: int
    villages_without_org: int
    status_unknown: int
    orgs: int
    orgs_without_strong: int
    orgs_without_enterprise_or_university: int


class GapsResult(BaseModel):
    """Weak villages without a strong link, unorganised villages, weak orgs, unknown statuses."""

    year: int
    township: str | None
    data: list[Gap]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None
    summary: list[GapSummary]


GAP_KINDS = ("weak_without_strong", "village_without_org", "org_without_strong",
             "org_without_enterprise_or_university", "status_unknown")


def _org_gaps(net: Network, org: str, year: int) -> list[str]:
    idx = indexes(net)
    g = net.graph
    mem = [m for m, _ in idx.members.get(org, [])]
    out = []
    if not any(status_name(net, m, year) == "strong" for m in mem):
        out.append("org_without_strong")
    partners = net.schema.kinds_with("partner")
    if not any(g.nodes[m]["kind"] in partners for m in mem):
        out.append("org_without_enterprise_or_university")
    return out


def gaps(net: Network, year: int | None = None, township: str | None = None,
         limit: int | None = None, offset: int = 0) -> GapsResult:
    """Gaps per township and for the district, so users know which data to collect.

    Paged like every list answer: `total` counts every gap, `data` holds `limit` of them from
    `offset` (all when `limit` is None). `summary` ends with the total row (the district, or
    the township asked for) on every page; before it come the rows of every township when the
    page holds every gap, else of the townships whose gaps are on the page.
    """
    y = check_year(net, year)
    town = resolve_township(net, township)
    check_page(limit, offset)
    found = whole(net, ("gaps", y, town), lambda: _all_gaps(net, y, town))
    chosen = [Gap(gap=kind, entity=ref(net, node), detail=_detail(net, y, kind, node))
              for kind, node in found.page(limit, offset)]
    rows = found.summary
    if len(chosen) == len(found):  # the page is the whole answer: every township's row
        summary = rows[:-1]
    else:
        here = {g.entity.township for g in chosen}
        summary = [rows[i] for i, t in enumerate(found.towns) if t in here]
    return GapsResult(year=y, township=town, data=chosen, count=len(chosen), total=len(found),
                      offset=offset, limit=limit, summary=[*summary, rows[-1]])


@dataclass(frozen=True)
class _Found:
    """Every gap of one question, in order, as kept between pages: the kind of each (its
    place in GAP_KINDS, one byte) and its entity's id. The national register has 711,666 gaps;
    as (kind, id, detail) tuples they were 1.26 million objects to keep in the snapshot and
    read back at every start, while a page needs the details of its own rows only."""

    kinds: bytes
    ids: list[str]
    summary: ModelRows[GapSummary]
    """The summary rows, the total row last."""
    towns: list[str]
    """The township of each summary row but the last."""

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, limit: int | None, offset: int) -> list[tuple[str, str]]:
        """(kind, entity id) of `limit` gaps from `offset` (every one when None)."""
        return [(GAP_KINDS[k], n) for k, n in zip(page_of(self.kinds, limit, offset),
                                                  page_of(self.ids, limit, offset),
                                                  strict=True)]


def _detail(net: Network, y: int, kind: str, node: str) -> str:
    """What a gap means for its entity, in words (worked out for the rows of a page)."""
    if kind == "weak_without_strong":
        return f"weak in {y}; no strong entity through a joint organisation or a partnership"
    if kind == "village_without_org":
        return "member of no joint organisation"
    if kind == "status_unknown":
        orgs = [o for o, _ in indexes(net).orgs_of.get(node, []) if is_joint(net, o)]
        return (f"member of {', '.join(net.name(o) for o in orgs)}; no income, honour or "
                f"designation on record for {y}")
    if not net.graph.nodes[node].get("township"):
        return "(no township)"
    if kind == "org_without_strong":
        return f"no member is strong in {y}"
    partners = " or ".join(sorted(net.schema.kinds_with("partner")))
    model = model_label(net, net.graph.nodes[node].get("model")) or "no model"
    return f"no {partners} member ({model})"


def _all_gaps(net: Network, y: int, town: str | None) -> _Found:
    """Every gap (ordered by kind, township, id) and the summary rows, the total row last."""
    idx = indexes(net)
    g = net.graph
    towns = [town] if town else idx.townships
    all_models = set(check_models(net, None))
    orgs_by_town: dict[str | None, list[str]] = {}
    for o in idx.joint_orgs:
        orgs_by_town.setdefault(g.nodes[o].get("township"), []).append(o)
    data: list[tuple[str, str]] = []
    rows: list[GapSummary] = []
    for t in towns:
        found: dict[str, list[tuple[str, str]]] = {k: [] for k in GAP_KINDS}
        vills = idx.villages.get(t, [])
        weak = unknown = 0
        for v in vills:
            st = status_name(net, v, y)
            unknown += st == "unknown"
            orgs = [o for o, _ in idx.orgs_of.get(v, []) if is_joint(net, o)]
            if st == "weak":
                weak += 1
                if not links_of(net, v, y, all_models, 1):
                    found["weak_without_strong"].append(("weak_without_strong", v))
            if not orgs:
                found["village_without_org"].append(("village_without_org", v))
            elif st == "unknown":
                found["status_unknown"].append(("status_unknown", v))
        orgs_here = orgs_by_town.get(t, [])
        for o in orgs_here:
            for kind in _org_gaps(net, o, y):
                found[kind].append((kind, o))
        rows.append(GapSummary(
            township=ref(net, t), villages=len(vills), weak=weak,
            weak_without_strong=len(found["weak_without_strong"]),
            villages_without_org=len(found["village_without_org"]), status_unknown=unknown,
            orgs=len(orgs_here), orgs_without_strong=len(found["org_without_strong"]),
            orgs_without_enterprise_or_university=len(
                found["org_without_enterprise_or_university"])))
        for k in GAP_KINDS:
            data.extend(found[k])
    if town is None:
        for o in orgs_by_town.get(None, []) + orgs_by_town.get("", []):
            for kind in _org_gaps(net, o, y):
                data.append((kind, o))
        rows.append(_district_row(rows, len(idx.joint_orgs), data))
    order = {k: i for i, k in enumerate(GAP_KINDS)}
    data.sort(key=lambda x: (order[x[0]], g.nodes[x[1]].get("township") or "", x[1]))
    return _Found(bytes(order[k] for k, _ in data), [n for _, n in data],
                  ModelRows(GapSummary, rows), list(towns)[:len(rows) - 1])


def _district_row(rows: list[GapSummary], orgs: int, data: list[tuple[str, str]]
                  ) -> GapSummary:
    def total(name: str) -> int:
        return sum(int(getattr(r, name)) for r in rows)

    return GapSummary(
        township=None, villages=total("villages"), weak=total("weak"),
        weak_without_strong=total("weak_without_strong"),
        villages_without_org=total("villages_without_org"), status_unknown=total("status_unknown"),
        orgs=orgs, orgs_without_strong=sum(1 for d in data if d[0] == "org_without_strong"),
        orgs_without_enterprise_or_university=sum(
            1 for d in data if d[0] == "org_without_enterprise_or_university"))
