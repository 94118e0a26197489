"""Map positions of every entity: one deterministic layout per network (one data version).

The graph is mostly a hierarchy (district > township > village) with a few joint organisations,
enterprises, universities and places across it. A force layout of the whole graph would cost
seconds at district scale and minutes at national scale, and move when one node is added. This
layout costs one pass (O(n log n)), needs no numpy, and keeps every township where it was:

* each township is a *block*: the township at its centre, its villages on rings around it
  (villages outside any joint organisation inside, the members of each organisation together
  on the outer rings, next to it);
* blocks are packed in rows, in code order (so a district's townships stay together), each
  district above its townships;
* every other entity (organisations, enterprises, universities, places) sits just outside the
  centre of the entities it is linked to, at an angle drawn from a generator seeded with
  `SEED` and its id: the same data always gives the same drawing.
"""

from __future__ import annotations

import math
import random
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping

import networkx as nx

from graphsvc.network import Network
from graphsvc.queries.common import indexes

SEED = 20231
SPACING = 70.0  # between neighbouring villages, in map units (pixels at zoom 1)

Point = tuple[float, float]


class Positions(Mapping[str, Point]):
    """Positions by entity id, held as one array of coordinates: a national layout is 720,385
    points, which as a dict of `(x, y)` tuples are 2.2 million objects for a server to read
    back from its snapshot (0.9 s) and 115 MB to hold; as an array they are one block of
    bytes. The id -> place dict is rebuilt on the first lookup, not on reading: 0.1–0.4 s
    that a start from the snapshot would wait for, paid by the first map request instead."""

    def __init__(self, pos: Mapping[str, Point]) -> None:
        self._ids = list(pos)
        self._xy = array("d", (c for p in pos.values() for c in p))
        self._where: dict[str, int] | None = None

    def _places(self) -> dict[str, int]:
        where = self._where
        if where is None:  # (two first callers may both build it: equal dicts, harmless)
            where = self._where = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return where

    def __getitem__(self, node: str) -> Point:
        i = 2 * self._places()[node]
        return self._xy[i], self._xy[i + 1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getstate__(self) -> tuple[list[str], array[float]]:
        return self._ids, self._xy

    def __setstate__(self, state: tuple[list[str], array[float]]) -> None:
        self._ids, self._xy = state
        self._where = None


def layout(net: Network) -> Positions:
    """Every node's position, computed once per network (thread-safe)."""
    return net.cache.index("map layout", lambda: Positions(_compute(net)))


def _rings(n: int) -> list[tuple[int, int]]:
    """(ring, capacity) of the rings holding n nodes around a centre, innermost first."""
    out: list[tuple[int, int]] = []
    ring = 0
    while n > 0:
        ring += 1
        cap = max(6, int(2 * math.pi * ring))
        out.append((ring, min(cap, n)))
        n -= cap
    return out


def _block(net: Network, villages: list[str]) -> tuple[list[tuple[str, Point]], float]:
    """Village offsets around their township (in ring order) and the block's radius."""
    idx = indexes(net)
    first_org: dict[str, str] = {}
    for v in villages:
        orgs = sorted(o for o, _ in idx.orgs_of.get(v, []))
        if orgs:
            first_org[v] = orgs[0]
    # outside any organisation first (inner rings), then each organisation's members together
    ordered = sorted(villages, key=lambda v: (v in first_org, first_org.get(v, ""), v))
    out: list[tuple[str, Point]] = []
    i = 0
    radius = SPACING
    for ring, count in _rings(len(ordered)):
        radius = ring * SPACING
        start = (ring % 2) * math.pi / max(count, 1)  # stagger rings: labels overlap less
        for j in range(count):
            a = start + 2 * math.pi * j / count - math.pi / 2
            out.append((ordered[i], (radius * math.cos(a), radius * math.sin(a))))
            i += 1
    return out, radius + SPACING


def _compute(net: Network) -> dict[str, Point]:
    g = net.graph
    idx = indexes(net)
    pos: dict[str, Point] = {}
    town_kind, district = net.schema.kind("township"), net.schema.kind("district")
    townships = sorted(n for n, k in g.nodes(data="kind") if k == town_kind)
    blocks = [(t, *_block(net, idx.villages.get(t, []))) for t in townships]
    # pack the blocks in rows about as wide as the whole is tall
    area = sum((2 * r) ** 2 for *_, r in blocks)
    row_width = max(math.sqrt(area) * 1.3, 1.0)
    x = y = row_height = 0.0
    centres: dict[str, Point] = {}
    for t, offsets, r in blocks:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_height = 0.0, y + row_height + SPACING, 0.0
        cx, cy = x + r, y + r
        centres[t] = (cx, cy)
        pos[t] = (cx, cy)
        for v, (dx, dy) in offsets:
            pos[v] = (cx + dx, cy + dy)
        x += 2 * r + SPACING
        row_height = max(row_height, 2 * r)
    # districts above their townships
    by_parent: dict[str, list[Point]] = defaultdict(list)
    for t in townships:
        for parent in g.successors(t):
            if g.nodes[parent].get("kind") == district:
                by_parent[parent].append(centres[t])
    for d, pts in sorted(by_parent.items()):
        pos[d] = (sum(p[0] for p in pts) / len(pts), min(p[1] for p in pts) - 3 * SPACING)
    _place_rest(net, pos, centres)
    return {n: (round(p[0], 1), round(p[1], 1)) for n, p in pos.items()}


def _place_rest(net: Network, pos: dict[str, Point], centres: dict[str, Point]) -> None:
    """Organisations, enterprises, universities, places: beside what they are linked to."""
    g = net.graph
    rest = sorted(n for n in g if n not in pos)
    # the entities placed here, kept apart from one another (a grid of cells one spacing wide,
    # so that each check looks at the nine cells around a point, not at every entity)
    cells: dict[tuple[int, int], list[Point]] = defaultdict(list)

    def crowded(p: Point) -> bool:
        i, j = int(p[0] // SPACING), int(p[1] // SPACING)
        near = (q for di in (-1, 0, 1) for dj in (-1, 0, 1)
                for q in cells.get((i + di, j + dj), ()))
        return any(math.hypot(p[0] - q[0], p[1] - q[1]) < 0.9 * SPACING for q in near)

    def free(p: Point, away: Point) -> Point:
        """p, moved on from `away` until no entity placed here is within a spacing."""
        dx, dy = p[0] - away[0], p[1] - away[1]
        d = math.hypot(dx, dy) or 1.0
        for _ in range(20):
            if not crowded(p):
                break
            p = (p[0] + dx / d * 0.6 * SPACING, p[1] + dy / d * 0.6 * SPACING)
        cells[int(p[0] // SPACING), int(p[1] // SPACING)].append(p)
        return p

    places = {net.schema.kind("district"), net.schema.kind("township")} - {None}
    for _ in range(3):  # a few passes: an enterprise may hang on an organisation placed first
        pending = []
        for n in rest:
            linked = [pos[m] for m in (*g.predecessors(n), *g.successors(n))
                      if m in pos and g.nodes[m].get("kind") not in places]
            if not linked:
                town = g.nodes[n].get("township")
                if town in centres:
                    linked = [centres[town]]
            if not linked:
                pending.append(n)
                continue
            cx = sum(p[0] for p in linked) / len(linked)
            cy = sum(p[1] for p in linked) / len(linked)
            town = g.nodes[n].get("township")
            centre = centres.get(town) if town else None
            rng = random.Random(f"{SEED}:{n}")
            if centre is not None and (cx, cy) != centre:
                # push out from the township centre, past the member villages
                dx, dy = cx - centre[0], cy - centre[1]
                d = math.hypot(dx, dy)
                out = d + SPACING * (1.2 + rng.random() * 0.6)
                pos[n] = free((centre[0] + dx / d * out, centre[1] + dy / d * out), centre)
            else:
                a = rng.random() * 2 * math.pi
                r = SPACING * (1.0 + rng.random())
                pos[n] = free((cx + r * math.cos(a), cy + r * math.sin(a)), (cx, cy))
        rest = pending
        if not rest:
            return
    # nothing placed links to these: a row below the map
    bottom = max((p[1] for p in pos.values()), default=0.0) + 2 * SPACING
    for i, n in enumerate(rest):
        pos[n] = (i * SPACING * 2, bottom)


def radial(g: nx.MultiDiGraph, centre: str) -> dict[str, Point]:
    """An ego network on rings: the centre in the middle, everything `d` steps away on ring `d`,
    each node next to the one that reached it (its parent's angle order), the rest by id.

    Deterministic: the same subgraph always gives the same drawing.
    """
    undirected = g.to_undirected(as_view=True)
    parent: dict[str, str | None] = {centre: None}
    rings: list[list[str]] = [[centre]]
    while True:
        nxt: list[str] = []
        for u in rings[-1]:
            for v in sorted(undirected.neighbors(u)):
                if v not in parent:
                    parent[v] = u
                    nxt.append(v)
        if not nxt:
            break
        rings.append(nxt)
    pos: dict[str, Point] = {centre: (0.0, 0.0)}
    angle: dict[str, float] = {centre: 0.0}
    radius = 0.0
    for ring in rings[1:]:
        ring.sort(key=lambda n: (angle[parent[n] or centre], n))
        # far enough out for the ring's nodes to sit a spacing apart, and past the last ring
        radius = max(radius + 2 * SPACING, len(ring) * SPACING / (2 * math.pi))
        for i, n in enumerate(ring):
            a = 2 * math.pi * i / len(ring) - math.pi / 2
            angle[n] = a
            pos[n] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
    # what the walk did not reach (a relation filter may cut the ego network): a row below
    rest = sorted(n for n in g if n not in pos)
    for i, n in enumerate(rest):
        pos[n] = (i * 2 * SPACING - radius, radius + 2 * SPACING)
    return pos
