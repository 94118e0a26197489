"""Network metrics with plain-language names, and seeded Louvain communities.

Both are computed once per :class:`Network` (one data version) and cached for its lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import networkx as nx
from pydantic import BaseModel

from ..errors import InvalidQuery
from ..network import Network
from .common import EntityRef, indexes
from .common import ref as eref
from .paths import undirected

SEED = 42
EXACT_BETWEENNESS_LIMIT = 5000  # above this many nodes betweenness is sampled (seeded)
SAMPLE = 500


class MetricRow(BaseModel):
    """One entity's value of a metric and its rank."""

    rank: int
    entity: EntityRef
    value: float


class MetricsResult(BaseModel):
    """The most connected entities, the bridges and PageRank, top N of each."""

    data_version: str
    nodes: int
    edges: int
    top: int
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
    """A community found by Louvain, named after its most connected member."""

    id: int
    name: str
    size: int
    hub: EntityRef
    members: list[EntityRef]
    official: list[OfficialMatch]


class CommunitiesResult(BaseModel):
    """Louvain communities (seeded) of the network without administrative edges."""

    data_version: str
    seed: int
    modularity: float
    isolated: int
    data: list[Community]
    count: int


@dataclass(frozen=True)
class _Scores:
    degree: dict[str, float]
    betweenness: dict[str, float]
    pagerank: dict[str, float]


_SCORES: WeakKeyDictionary[Network, _Scores] = WeakKeyDictionary()
_COMMUNITIES: WeakKeyDictionary[Network, CommunitiesResult] = WeakKeyDictionary()


def _scores(net: Network) -> _Scores:
    found = _SCORES.get(net)
    if found is None:
        g = undirected(net)
        k = SAMPLE if g.number_of_nodes() > EXACT_BETWEENNESS_LIMIT else None
        found = _Scores(
            degree={n: float(d) for n, d in g.degree()},
            betweenness=nx.betweenness_centrality(g, k=k, seed=SEED if k else None),
            pagerank=pagerank(g),
        )
        _SCORES[net] = found
    return found


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
        edges=net.graph.number_of_edges(), top=top,
        most_connected=_top(net, s.degree, top, 0), bridges=_top(net, s.betweenness, top, 6),
        pagerank=_top(net, s.pagerank, top, 6))


def communities(net: Network) -> CommunitiesResult:
    """Louvain communities (seeded) without administrative part_of edges, named after their
    most connected member and compared with the official joint organisations."""
    found = _COMMUNITIES.get(net)
    if found is not None:
        return found
    full = undirected(net)
    g = nx.Graph()
    for u, v, d in full.edges(data=True):
        if any(x[3] != "part_of" for x in d["edges"]):
            g.add_edge(u, v)
    isolated = full.number_of_nodes() - g.number_of_nodes()
    parts = nx.community.louvain_communities(g, seed=SEED) if g.number_of_edges() else []
    modularity = nx.community.modularity(g, parts) if parts else 0.0
    idx = indexes(net)
    official = {o: {o, *(m for m, _ in idx.members.get(o, []))} for o in idx.joint_orgs}
    deg = dict(g.degree())
    ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    data = []
    for i, part in enumerate(ordered):
        members = set(part)
        hub = min(part, key=lambda n: (-deg[n], n))
        matches = []
        for o, group in official.items():
            shared = len(members & group)
            if shared:
                matches.append(OfficialMatch(org=eref(net, o), shared=shared,
                                             org_members=len(group) - 1,
                                             jaccard=round(shared / len(members | group), 3)))
        matches.sort(key=lambda m: (-m.jaccard, m.org.id))
        data.append(Community(
            id=i + 1, name=net.name(hub), size=len(part),
            hub=eref(net, hub), members=[eref(net, n) for n in part], official=matches))
    result = CommunitiesResult(data_version=net.data_version, seed=SEED,
                               modularity=round(modularity, 4), isolated=isolated, data=data,
                               count=len(data))
    _COMMUNITIES[net] = result
    return result
