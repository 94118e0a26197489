"""Neighbourhoods, shortest paths with readable strings, and common neighbours."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.common import (
    EntityRef,
    PathEdge,
    PathOut,
    check_relations,
    edge_out,
    path_out,
)
from graphsvc.queries.common import ref as eref

MAX_HOPS = 3
"""The widest ego network asked for (4 hops reach most of a district)."""
# Administrative edges (the relation with role part_of) make every pair of villages of a
# township two steps apart; paths through an organisation or partnership say more, so they
# are listed first at equal length.


def _admin(net: Network) -> str | None:
    return net.schema.relation("part_of")


class Neighbor(BaseModel):
    """An entity of an ego network, its distance and the edge that reached it."""

    entity: EntityRef
    distance: int
    via: PathEdge


class NeighborsResult(BaseModel):
    """The ego network of an entity to k hops."""

    center: EntityRef
    hops: int
    relations: list[str] | None
    data: list[Neighbor]
    count: int
    edges: list[PathEdge]


def _incident(net: Network, node: str, rels: set[str] | None) -> list[tuple[str, PathEdge]]:
    """(other end, edge) of every edge at a node, walked from it, in a stable order."""
    g = net.graph
    out = [(v, edge_out(node, v, k, d, True)) for _, v, k, d in g.out_edges(node, keys=True,
                                                                            data=True)
           if rels is None or d["relation"] in rels]
    out += [(u, edge_out(u, node, k, d, False)) for u, _, k, d in g.in_edges(node, keys=True,
                                                                            data=True)
            if rels is None or d["relation"] in rels]
    admin = _admin(net)
    return sorted(out, key=lambda x: (x[1].relation == admin, x[0], x[1].key))


def check_hops(hops: int) -> int:
    """A valid number of hops (1 to MAX_HOPS)."""
    if not isinstance(hops, int) or not 1 <= hops <= MAX_HOPS:
        raise InvalidQuery(f"hops must be a whole number from 1 to {MAX_HOPS}, not {hops!r}")
    return hops


def neighbors(net: Network, ref: str, hops: int = 1,
              relations: list[str] | None = None) -> NeighborsResult:
    """The ego network of an entity to `hops` steps, optionally through some relations only."""
    k = check_hops(hops)
    rels = check_relations(net, relations)
    rel_set = set(rels) if rels is not None else None
    center = net.resolve(ref)
    dist = {center: 0}
    found: list[Neighbor] = []
    queue = deque([center])
    while queue:
        cur = queue.popleft()
        if dist[cur] == k:
            continue
        for other, e in _incident(net, cur, rel_set):
            if other not in dist:
                dist[other] = dist[cur] + 1
                found.append(Neighbor(entity=eref(net, other), distance=dist[other], via=e))
                queue.append(other)
    found.sort(key=lambda n: (n.distance, n.entity.kind, n.entity.id))
    edges = sorted({e.key: e for n in dist for other, e in _incident(net, n, rel_set)
                    if other in dist and e.forward}.values(), key=lambda e: int(e.key[1:])
                   if e.key[1:].isdigit() else 0)
    return NeighborsResult(center=eref(net, center), hops=k, relations=rels, data=found,
                           count=len(found), edges=edges)


class PathsResult(BaseModel):
    """Shortest paths between two entities, each with a readable string."""

    source: EntityRef
    target: EntityRef
    data: list[PathOut]
    count: int


def _adjacent(net: Network, rels: set[str] | None) -> Callable[[str], list[str]]:
    """Neighbours of a node with edges walked either way (through `rels` only, if given),
    read straight from the stored graph: no undirected copy of a national network."""
    succ, pred = net.graph._succ, net.graph._pred

    def ok(keydict: dict[str, dict[str, Any]]) -> bool:
        return rels is None or any(d["relation"] in rels for d in keydict.values())

    def adjacent(node: str) -> list[str]:
        out = {v for v, kd in succ[node].items() if ok(kd)}
        out.update(u for u, kd in pred[node].items() if ok(kd))
        out.discard(node)
        return sorted(out)

    return adjacent


def _bfs_path(adjacent: Callable[[str], list[str]], s: str, t: str, banned_nodes: set[str],
              banned_edges: set[tuple[str, str]]) -> list[str] | None:
    """One shortest path from s to t avoiding some nodes and (undirected) edges, or None."""
    parent: dict[str, str | None] = {s: None}
    queue = deque([s])
    while queue:
        cur = queue.popleft()
        for nxt in adjacent(cur):
            if nxt in parent or nxt in banned_nodes or (cur, nxt) in banned_edges:
                continue
            parent[nxt] = cur
            if nxt == t:
                path = [t]
                while (p := parent[path[-1]]) is not None:
                    path.append(p)
                return path[::-1]
            queue.append(nxt)
    return None


def k_shortest_paths(adjacent: Callable[[str], list[str]], s: str, t: str,
                     k: int) -> list[list[str]]:
    """Up to k shortest simple paths from s to t, shortest first (Yen's algorithm, BFS)."""
    first = _bfs_path(adjacent, s, t, set(), set())
    if first is None:
        return []
    found = [first]
    candidates: list[tuple[int, list[str]]] = []
    while len(found) < k:
        prev = found[-1]
        for i in range(len(prev) - 1):
            root = prev[: i + 1]
            banned_edges = set()
            for p in found:
                if p[: i + 1] == root and len(p) > i + 1:
                    banned_edges |= {(p[i], p[i + 1]), (p[i + 1], p[i])}
            spur = _bfs_path(adjacent, prev[i], t, set(root[:-1]), banned_edges)
            if spur is not None:
                path = root[:-1] + spur
                if path not in found and (len(path), path) not in candidates:
                    heapq.heappush(candidates, (len(path), path))
        if not candidates:
            break
        found.append(heapq.heappop(candidates)[1])
    return found


def _edge_between(net: Network, a: str, b: str, rels: set[str] | None) -> PathEdge:
    """The edge to show between two adjacent nodes: an organisational one before part_of."""
    stored = [(a, b, k, d) for k, d in net.graph._succ[a].get(b, {}).items()]
    stored += [(b, a, k, d) for k, d in net.graph._succ[b].get(a, {}).items()]
    ok = [x for x in stored if rels is None or x[3]["relation"] in rels]
    admin = _admin(net)
    u, v, k, d = min(ok, key=lambda x: (x[3]["relation"] == admin,
                                        int(x[2][1:]) if x[2][1:].isdigit() else 0))
    return edge_out(u, v, k, d, forward=(u == a))


def paths(net: Network, source: str, target: str, limit: int = 5,
          relations: list[str] | None = None) -> PathsResult:
    """Shortest paths between two entities (edges walked either way), readable, best first."""
    if not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    rels = check_relations(net, relations)
    rel_set = set(rels) if rels is not None else None
    s, t = net.resolve(source), net.resolve(target)
    if s == t:
        raise InvalidQuery(f"source and target are the same entity ({s} {net.name(s)})")
    found: list[PathOut] = []
    for nodes in k_shortest_paths(_adjacent(net, rel_set), s, t, limit * 4):
        edges = [_edge_between(net, a, b, rel_set) for a, b in zip(nodes, nodes[1:], strict=False)]
        found.append(path_out(net, nodes, edges))
    admin = _admin(net)
    found.sort(key=lambda p: (p.length, sum(e.relation == admin for e in p.edges), p.text))
    data = found[:limit]
    return PathsResult(source=eref(net, s), target=eref(net, t), data=data, count=len(data))


class CommonNeighbor(BaseModel):
    """An entity next to every one of the given entities, with the edge to each."""

    entity: EntityRef
    links: list[PathEdge]


class CommonNeighborsResult(BaseModel):
    """The common neighbours of two or more entities."""

    entities: list[EntityRef]
    data: list[CommonNeighbor]
    count: int


def common_neighbors(net: Network, refs: list[str]) -> CommonNeighborsResult:
    """Entities directly linked (either way) to every one of two or more entities."""
    if len(refs) < 2:
        raise InvalidQuery("common_neighbors needs two or more entities")
    nodes = list(dict.fromkeys(net.resolve(r) for r in refs))
    if len(nodes) < 2:
        raise InvalidQuery("common_neighbors needs two or more different entities")
    per: list[dict[str, PathEdge]] = []
    for n in nodes:
        first: dict[str, PathEdge] = {}
        for other, e in _incident(net, n, None):
            first.setdefault(other, e)
        per.append(first)
    common = set(per[0]).intersection(*per[1:]) - set(nodes)
    data = [CommonNeighbor(entity=eref(net, c), links=[p[c] for p in per])
            for c in sorted(common)]
    return CommonNeighborsResult(entities=[eref(net, n) for n in nodes], data=data,
                                 count=len(data))
