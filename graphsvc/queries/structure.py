"""Structure: the organisation tree, the members of a joint organisation, group metrics."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import (
    EntityRef,
    check_page,
    check_year,
    indexes,
    model_label,
    page_of,
    status_name,
    whole,
)
from graphsvc.queries.common import ref as eref


class TreeNode(BaseModel):
    """One node of the organisation tree: the entity, how it hangs from its parent, children."""

    entity: EntityRef
    relation: str | None = None
    role: str | None = None
    children: list[TreeNode] = []


class TreeResult(BaseModel):
    """The organisation tree under an entity."""

    root: TreeNode
    count: int


def _children(net: Network, node: str) -> list[tuple[str, str, str | None]]:
    """(child, relation, role) of a node in the tree district → township → area → village →
    grid (the kinds and relations by their roles in the schema)."""
    g = net.graph
    schema = net.schema
    kind = g.nodes[node]["kind"]
    part_of, member, guides = (schema.relation("part_of"), schema.relation("member"),
                               schema.relation("guides"))
    out: list[tuple[str, str, str | None]] = []

    def into(rel: str | None, kind: str | None = None,
             any_kind: bool = False) -> list[tuple[str, str, str | None]]:
        if rel is None:
            return []
        return sorted((u, rel, d.get("role")) for u, _, d in g.in_edges(node, data=True)
                      if d["relation"] == rel and (any_kind or g.nodes[u]["kind"] == kind))

    def led() -> list[tuple[str, str, str | None]]:
        return sorted((v, r, None) for _, v, r in g.out_edges(node, data="relation")
                      if r == guides and guides is not None)

    if kind == schema.kind("district"):
        out = into(part_of, schema.kind("township"))
    elif kind == schema.kind("township"):
        guided = led()
        placed = {u for o, _, _ in guided for u, _, r in g.in_edges(o, data="relation")
                  if r == member}
        out = guided + [c for c in into(part_of, schema.kind("village")) if c[0] not in placed]
    elif kind == schema.kind("organisation"):
        out = into(member, any_kind=True) + led()
    elif kind == schema.kind("village"):
        out = into(schema.relation("covers"), schema.kind("grid"))
    elif kind == schema.kind("grid"):
        out = (into(schema.relation("within"), any_kind=True)
               + into(schema.relation("group_of"), any_kind=True))
    return out


MAX_DEPTH = 20
"""The deepest tree asked for (deeper than any organisation chart: district to party group)."""


def tree(net: Network, ref: str, depth: int | None = None) -> TreeResult:
    """The organisation tree (district → township → area committee → villages → grids → groups)."""
    if depth is not None and (not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH):
        raise InvalidQuery(f"depth must be a whole number from 0 to {MAX_DEPTH}, not {depth!r}")
    root = net.resolve(ref)
    seen = {root}

    def grow(node: str, rel: str | None, role: str | None, level: int) -> TreeNode:
        kids: list[TreeNode] = []
        if depth is None or level < depth:
            for child, crel, crole in _children(net, node):
                if child not in seen:
                    seen.add(child)
                    kids.append(grow(child, crel, crole, level + 1))
        return TreeNode(entity=eref(net, node), relation=rel, role=role, children=kids)

    top = grow(root, None, None, 0)
    return TreeResult(root=top, count=len(seen))


class Member(BaseModel):
    """One member of a joint organisation with its role and status."""

    entity: EntityRef
    role: str | None
    role_label: str | None
    status: str
    since: str | None
    until: str | None
    cite: str | None


class GroupMetrics(BaseModel):
    """The make-up of one joint organisation."""

    org: EntityRef
    model: str | None
    members: int
    by_kind: dict[str, int]
    weak: int
    strong: int
    unknown: int
    lead: list[EntityRef]
    townships: list[EntityRef]
    declared_members: dict[str, int]
    recorded_members: dict[str, int]


class MembersResult(BaseModel):
    """The members of a joint organisation, with their roles and the group's metrics."""

    org: EntityRef
    level: str | None
    form: list[str]
    model: str | None
    model_label: str | None
    year: int
    data: list[Member]
    count: int
    metrics: GroupMetrics


class GroupMetricsResult(BaseModel):
    """Group metrics of every joint organisation (paged: `total` organisations, `count` on
    this page from `offset`)."""

    year: int
    data: list[GroupMetrics]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None


def _org(net: Network, ref: str) -> str:
    org = net.resolve(ref)
    kind = net.graph.nodes[org]["kind"]
    organisation = net.schema.kind("organisation")
    if kind != organisation:
        raise InvalidQuery(f"'{ref}' is a {kind}, not a party organisation; members lists the "
                           f"members of a {organisation or 'party organisation'} (a joint "
                           "organisation)")
    return org


def _metrics(net: Network, org: str, year: int) -> GroupMetrics:
    g = net.graph
    mem = indexes(net).members.get(org, [])
    kinds = Counter(g.nodes[m]["kind"] for m, _ in mem)
    st = Counter(status_name(net, m, year) for m, _ in mem)
    towns: set[str] = set()
    town_kind = net.schema.kind("township")
    for m, _ in mem:
        a = g.nodes[m]
        t = m if a["kind"] == town_kind else a.get("township")
        if t:
            towns.add(t)
    schema = net.schema
    counted = schema.member_counts()
    recorded = {schema.member_count(k) or f"members.{k}": n for k, n in sorted(kinds.items())}
    lead = schema.lead_role
    return GroupMetrics(
        org=eref(net, org), model=g.nodes[org].get("model"), members=len(mem),
        by_kind=dict(sorted(kinds.items())), weak=st["weak"], strong=st["strong"],
        unknown=st["unknown"],
        lead=[eref(net, m) for m, k in mem
              if lead is not None and g.edges[m, org, k].get("role") == lead],
        townships=[eref(net, t) for t in sorted(towns)],
        declared_members={k: v for k, v in indexes(net).declared.get(org, {}).items()
                          if k in counted},
        recorded_members=recorded)


def members(net: Network, ref: str, year: int | None = None) -> MembersResult:
    """The members of a joint organisation with their roles, statuses and the group's metrics."""
    y = check_year(net, year)
    org = _org(net, ref)
    g = net.graph
    rows = []
    for m, k in indexes(net).members.get(org, []):
        d = g.edges[m, org, k]
        role = d.get("role")
        rows.append(Member(entity=eref(net, m), role=role,
                           role_label=net.schema.label("role", role) if role else None,
                           status=status_name(net, m, y), since=d.get("since"),
                           until=d.get("until"), cite=d.get("source")))
    lead = net.schema.lead_role
    village = net.schema.kind("village")
    rows.sort(key=lambda r: (lead is None or r.role != lead, r.entity.kind != village,
                             r.entity.id))
    a = g.nodes[org]
    model = a.get("model")
    return MembersResult(org=eref(net, org), level=a.get("level"),
                         form=[f for f in str(a.get("form") or "").split(";") if f], model=model,
                         model_label=model_label(net, model), year=y, data=rows,
                         count=len(rows), metrics=_metrics(net, org, y))


def group_metrics(net: Network, year: int | None = None, limit: int | None = None,
                  offset: int = 0) -> GroupMetricsResult:
    """Members by kind, strong/weak mix and townships spanned of every joint organisation.

    `limit` and `offset` page through the organisations (all when `limit` is None).
    """
    y = check_year(net, year)
    check_page(limit, offset)
    every = whole(net, ("group_metrics", y),
                  lambda: [_metrics(net, o, y) for o in indexes(net).joint_orgs])
    data = page_of(every, limit, offset)
    return GroupMetricsResult(year=y, data=data, count=len(data), total=len(every),
                              offset=offset, limit=limit)
