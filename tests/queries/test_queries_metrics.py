"""metrics and communities: plain names, seeded, cached once per network."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import communities, metrics


def test_tiny_metrics(tiny: graphsvc.Network) -> None:
    r = metrics(tiny, top=3)
    assert r.nodes == 19 and r.edges == 20
    assert [(m.entity.name, m.value) for m in r.most_connected] == [
        ("西镇", 5), ("测试区", 3), ("东乡街道", 3)]
    assert r.bridges[0].entity.name == "西镇"
    assert abs(sum(metrics(tiny, top=100).pagerank[i].value for i in range(19)) - 1) < 1e-3
    with pytest.raises(graphsvc.InvalidQuery):
        metrics(tiny, top=0)


def test_tiny_communities(tiny: graphsvc.Network) -> None:
    r = communities(tiny)
    assert r.seed == 42 and r.isolated == 5 and r.count == 5
    coop = next(c for c in r.data if c.hub.id == "org.bing-coop")
    assert coop.name == "丙村-测试合作社联合党支部" and coop.official[0].jaccard == 1.0
    assert communities(tiny) is r  # computed once per network


def test_cached_per_network(tiny: graphsvc.Network) -> None:
    """The scores are an index of the network's cache: computed once, whatever `top` asks."""
    net = graphsvc.load(tiny.seed_dir)  # a network nobody asked for metrics yet
    assert not net.cache.has_index("centrality scores")
    metrics(net)
    before = net.cache.index("centrality scores", lambda: None)
    metrics(net, top=1)
    assert net.cache.index("centrality scores", lambda: None) is before is not None


def test_fangshan_communities(fangshan: graphsvc.Network) -> None:
    r = communities(fangshan)
    zkd = next(c for c in r.data if any(o.org.id == "org.zkd-eight-villages" and o.shared >= 9
                                        for o in c.official))
    assert "黄山店村" in {m.name for m in zkd.members}
    assert metrics(fangshan, top=1).most_connected[0].entity.kind in {"township", "district"}


def test_betweenness_estimate_matches_networkx_sampling() -> None:
    """Above the exact limit, the sampled estimate equals networkx's k-sample on the same
    sources, and reports how many sources it used."""
    import networkx as nx

    from graphsvc.queries.metrics import EXACT_BETWEENNESS_LIMIT, betweenness

    g = nx.random_labeled_tree(EXACT_BETWEENNESS_LIMIT + 100, seed=3)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    ours, used, note = betweenness(g, sample=40, budget=60.0, seed=42)
    theirs = nx.betweenness_centrality(g, k=40, seed=42)
    assert used == 40 and "estimated from 40 of 5100 source nodes" in note
    assert max(abs(ours[n] - theirs[n]) for n in g) < 1e-9


def test_betweenness_time_budget_stops_sampling() -> None:
    import networkx as nx

    from graphsvc.queries.metrics import EXACT_BETWEENNESS_LIMIT, betweenness

    g = nx.path_graph(EXACT_BETWEENNESS_LIMIT + 10)
    _, used, note = betweenness(g, sample=500, budget=0.0)
    assert used == 10 and "stopped by the time budget" in note
