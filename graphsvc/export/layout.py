"""A cheap, deterministic layout (no numpy needed) for GEXF positions."""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx


def ring_layout(g: nx.MultiDiGraph, spacing: float = 100.0) -> dict[str, tuple[float, float]]:
    """Nodes on concentric rings, one ring per kind (most connected kinds inside).

    A starting point for Gephi's ForceAtlas2 rather than a finished drawing: it keeps each
    kind together and costs one pass over the nodes.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n, k in g.nodes(data="kind"):
        by_kind[str(k)].append(str(n))
    order = sorted(by_kind, key=lambda k: (len(by_kind[k]), k))
    pos: dict[str, tuple[float, float]] = {}
    for ring, kind in enumerate(order):
        nodes = by_kind[kind]
        radius = spacing * (ring + 1) * max(1.0, math.sqrt(len(nodes)) / 4)
        for i, n in enumerate(nodes):
            a = 2 * math.pi * i / len(nodes)
            pos[n] = (round(radius * math.cos(a), 3), round(radius * math.sin(a), 3))
    return pos
