"""Network metrics with plain-language names, and seeded Louvain communities.

Both are computed once per :class:`Network` (one data version) and cached for its lifetime.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx
from pydantic import BaseModel

from graphsvc.errors import InvalidQuery, UnknownCommunity
from graphsvc.network import Network
from graphsvc.queries.common import EntityRef, check_page, indexes, page_of
from graphsvc.queries.common import ref as eref

SEED = 42
WHOLE_GRAPH_LIMIT = 50_000
"""Up to this many nodes metrics cover the whole graph; above it (a province, the country)
the organisational subgraph: every edge but the register's part_of, and the entities on them."""
EXACT_BETWEENNESS_LIMIT = 5000
"""Above this many nodes betweenness is estimated from a seeded sample of source nodes."""
SAMPLE = 500
"""The most sources a betweenness estimate uses."""
TIME_BUDGET = 20.0
"""Seconds a betweenness estimate may take: sampling stops early when they run out."""
MEMBERS_LIMIT = 20
"""Members each community of the list shows by default (the hub first); `community` has all."""
MAX_MEMBERS_LIMIT = 1000
"""The most members each community of the list may show (`members_limit`)."""


class MetricRow(BaseModel):
    """One entity's value of a metric and its rank."""

    rank: int
    entity: EntityRef
    value: float


class MetricsResult(BaseModel):
    """The most connected entities, the bridges and PageRank, top N of each.

    `scope` says which graph they were computed on; `betweenness_sources` of `scope_nodes`
    says how many sources the bridges estimate used (all of them when exact).
    """

    data_version: str
    nodes: int
    edges: int
    top: int
    scope: str
    scope_nodes: int
    scope_edges: int
    betweenness_sources: int
    betweenness_note: str
    most_connected: list[MetricRow]
    bridges: list[MetricRow]
    pagerank: list[MetricRow]


class OfficialMatch(BaseModel):
    """How well a community matches an official joint organisation (the org and its members)."""

    org: EntityRef
    jaccard: float
    shared: int
    org_members: int


class Community(BaseModel):
    """A community found by Louvain, named after its most connected member (its hub).

    In the list, `members` may be a prefix of the community's members: its first
    `members_limit` (the hub first, then by id); `member_count` (= `size`) counts them all,
    and `GET /v1/communities/{id}` (`community`) pages through every one.
    """

    id: int
    name: str
    size: int
    member_count: int
    hub: EntityRef
    members: list[EntityRef]
    official: list[OfficialMatch]


class CommunitiesResult(BaseModel):
    """Louvain communities (seeded) of the network without administrative edges (paged:
    `total` communities, `count` on this page from `offset`, largest first)."""

    data_version: str
    seed: int
    modularity: float
    isolated: int
    data: list[Community]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None
    members_limit: int | None = None


class CommunityResult(BaseModel):
    """One community whole: its members paged (`total` members, `count` on this page from
    `offset`; the hub first, then by id), its hub and its official matches."""

    data_version: str
    seed: int
    id: int
    name: str
    size: int
    hub: EntityRef
    official: list[OfficialMatch]
    data: list[EntityRef]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class _Scores:
    scope: str
    nodes: int
    edges: int
    degree: dict[str, float]
    betweenness: dict[str, float]
    sources: int
    note: str
    pagerank: dict[str, float]




def undirected(net: Network, organisational: bool = False) -> nx.Graph:
    """The network (or its organisational part: no part_of edges) as a simple undirected graph;
    each edge keeps the stored edges between its two ends in `edges`."""
    g = nx.Graph()
    if not organisational:
        g.add_nodes_from(net.graph.nodes)
    admin = net.schema.relation("part_of")
    for u, v, k, rel in net.graph.edges(keys=True, data="relation"):
        if organisational and rel == admin:
            continue
        if g.has_edge(u, v):
            g.edges[u, v]["edges"].append((u, v, k, rel))
        else:
            g.add_edge(u, v, edges=[(u, v, k, rel)])
    return g


def _scope(net: Network) -> tuple[str, nx.Graph]:
    if net.graph.number_of_nodes() <= WHOLE_GRAPH_LIMIT:
        return "whole graph", undirected(net)
    return "organisational subgraph (no part_of edges)", undirected(net, organisational=True)


def betweenness(g: nx.Graph, sample: int = SAMPLE, budget: float = TIME_BUDGET,
                seed: int = SEED) -> tuple[dict[str, float], int, str]:
    """Betweenness centrality: exact on small graphs, else estimated from seeded sources.

    Sources are drawn as networkx draws them and added in batches until `sample` or the time
    `budget` is reached; the estimate is scaled as networkx scales its `k`-sample, and its
    standard error shrinks like 1/sqrt(sources). Returns (values, sources used, a note).
    """
    n = g.number_of_nodes()
    if n <= EXACT_BETWEENNESS_LIMIT:
        return nx.betweenness_centrality(g), n, "exact"
    import random

    sources = random.Random(seed).sample(list(g), min(sample, n))
    total = dict.fromkeys(g, 0.0)
    used = 0
    started = time.perf_counter()
    for i in range(0, len(sources), 10):
        batch = sources[i:i + 10]
        part = nx.betweenness_centrality_subset(g, batch, list(g), normalized=False)
        for node, value in part.items():
            total[node] += value
        used += len(batch)
        if time.perf_counter() - started > budget:
            break
    # As networkx (3.6) rescales a k-sample, endpoints excluded: subset values of an
    # undirected graph are half the ordered-pair counts; a sampled source cannot lie on its
    # own paths, so it is averaged over k - 1 sources.
    chosen = set(sources[:used])
    scale = 2.0 / (used * (n - 2))
    scale_source = 2.0 / ((used - 1) * (n - 2)) if used > 1 else 0.0
    note = (f"estimated from {used} of {n} source nodes (seed {seed}"
            + (", stopped by the time budget" if used < min(sample, n) else "")
            + f"); relative error about 1/sqrt({used}) = {used ** -0.5:.0%} for central nodes")
    values = {k: v * (scale_source if k in chosen else scale) for k, v in total.items()}
    return values, used, note


def _scores(net: Network) -> _Scores:
    return net.cache.index("centrality scores", lambda: _compute_scores(net))


def _compute_scores(net: Network) -> _Scores:
    scope, g = _scope(net)
    values, used, note = betweenness(g)
    return _Scores(
        scope=scope, nodes=g.number_of_nodes(), edges=g.number_of_edges(),
        degree={n: float(d) for n, d in g.degree()},
        betweenness=values, sources=used, note=note,
        pagerank=pagerank(g),
    )


def pagerank(g: nx.Graph, alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict[str, float]:
    """PageRank by power iteration in pure Python (networkx's own needs numpy)."""
    n = g.number_of_nodes()
    if n == 0:
        return {}
    rank = dict.fromkeys(g, 1.0 / n)
    deg = dict(g.degree())
    for _ in range(max_iter):
        dangling = alpha * sum(rank[x] for x in g if deg[x] == 0) / n
        nxt = dict.fromkeys(g, (1.0 - alpha) / n + dangling)
        for x in g:
            if deg[x]:
                share = alpha * rank[x] / deg[x]
                for y in g[x]:
                    nxt[y] += share
        if sum(abs(nxt[x] - rank[x]) for x in g) < n * tol:
            return nxt
        rank = nxt
    return rank


def _top(net: Network, values: dict[str, float], top: int, digits: int) -> list[MetricRow]:
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [MetricRow(rank=i + 1, entity=eref(net, n), value=round(v, digits))
            for i, (n, v) in enumerate(ranked)]


def metrics(net: Network, top: int = 20) -> MetricsResult:
    """Most connected (degree), bridges (betweenness) and PageRank: top N of each."""
    if not isinstance(top, int) or top < 1:
        raise InvalidQuery(f"top must be a whole number >= 1, not {top!r}")
    s = _scores(net)
    return MetricsResult(
        data_version=net.data_version, nodes=net.graph.number_of_nodes(),
        edges=net.graph.number_of_edges(), top=top, scope=s.scope, scope_nodes=s.nodes,
        scope_edges=s.edges, betweenness_sources=s.sources, betweenness_note=s.note,
        most_connected=_top(net, s.degree, top, 0), bridges=_top(net, s.betweenness, top, 6),
        pagerank=_top(net, s.pagerank, top, 6))


def communities(net: Network, limit: int | None = None, offset: int = 0,
                members_limit: int = MEMBERS_LIMIT) -> CommunitiesResult:
    """Louvain communities (seeded) without administrative part_of edges, named after their
    most connected member and compared with the official joint organisations.

    Found once per network; `limit` and `offset` page through them (all when `limit` is None).
    Each shows its first `members_limit` members (0 to 1000; the hub first), `member_count`
    counts them all and :func:`community` pages through them.
    """
    check_page(limit, offset)
    if (not isinstance(members_limit, int) or isinstance(members_limit, bool)
            or not 0 <= members_limit <= MAX_MEMBERS_LIMIT):
        raise InvalidQuery(f"members_limit must be a whole number from 0 to "
                           f"{MAX_MEMBERS_LIMIT}, not {members_limit!r}")
    found = _found(net)
    data = [c if c.member_count <= members_limit else
            c.model_copy(update={"members": c.members[:members_limit]})
            for c in page_of(found.data, limit, offset)]
    return found.model_copy(update={"data": data, "count": len(data), "offset": offset,
                                    "limit": limit, "members_limit": members_limit})


def community(net: Network, id: int, limit: int | None = None,
              offset: int = 0) -> CommunityResult:
    """One community of :func:`communities` (by its `id`) with its members, `limit` of them
    from `offset` (all when `limit` is None). Raises UnknownCommunity for an id not listed."""
    check_page(limit, offset)
    found = _found(net)
    if not isinstance(id, int) or isinstance(id, bool) or not 1 <= id <= found.total:
        raise UnknownCommunity(id, found.total)
    c = found.data[id - 1]
    data = page_of(c.members, limit, offset)
    return CommunityResult(data_version=found.data_version, seed=found.seed, id=c.id,
                           name=c.name, size=c.size, hub=c.hub, official=c.official, data=data,
                           count=len(data), total=c.member_count, offset=offset, limit=limit)


def _found(net: Network) -> CommunitiesResult:
    """Every community of the network, whole: found once per network (one data version)."""
    return net.cache.index("communities", lambda: _communities(net))


def _communities(net: Network) -> CommunitiesResult:
    """Every community of a network, largest first, each with all its members (the hub first,
    then by id)."""
    g = undirected(net, organisational=True)
    isolated = net.graph.number_of_nodes() - g.number_of_nodes()
    parts = nx.community.louvain_communities(g, seed=SEED) if g.number_of_edges() else []
    modularity = nx.community.modularity(g, parts) if parts else 0.0
    groups, group_of = official_groups(net)
    deg = dict(g.degree())
    ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    data = []
    for i, part in enumerate(ordered):
        hub = min(part, key=lambda n: (-deg[n], n))
        members = [hub, *(n for n in part if n != hub)]
        data.append(Community(
            id=i + 1, name=net.name(hub), size=len(part), member_count=len(part),
            hub=eref(net, hub), members=[eref(net, n) for n in members],
            official=official_matches(net, part, groups, group_of)))
    return CommunitiesResult(data_version=net.data_version, seed=SEED,
                             modularity=round(modularity, 4), isolated=isolated, data=data,
                             count=len(data), total=len(data))


def official_groups(net: Network) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The official joint organisations as groups (the organisation and its members): the size
    of each group, and for each entity the groups it is in."""
    idx = indexes(net)
    sizes: dict[str, int] = {}
    group_of: dict[str, list[str]] = defaultdict(list)
    for o in idx.joint_orgs:
        group = {o, *(m for m, _ in idx.members.get(o, []))}
        sizes[o] = len(group)
        for m in group:
            group_of[m].append(o)
    return sizes, dict(group_of)


def official_matches(net: Network, part: list[str], sizes: dict[str, int],
                     group_of: dict[str, list[str]]) -> list[OfficialMatch]:
    """Every official group sharing a member with the community `part` (distinct entities):
    shared members counted member by member, so a community costs its size, not the number of
    organisations; best Jaccard first, then by organisation id."""
    shared: Counter[str] = Counter()
    for n in part:
        shared.update(group_of.get(n, ()))
    matches = [OfficialMatch(org=eref(net, o), shared=k, org_members=sizes[o] - 1,
                             jaccard=round(k / (len(part) + sizes[o] - k), 3))
               for o, k in shared.items()]
    matches.sort(key=lambda m: (-m.jaccard, m.org.id))
    return matches
