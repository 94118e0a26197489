"""metrics and communities: plain names, seeded, cached once per network."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphsvc
from graphsvc.queries import communities, community, metrics


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
    found = tiny.cache.index("communities", lambda: None)
    assert communities(tiny, limit=1).data == r.data[:1]
    assert tiny.cache.index("communities", lambda: None) is found  # computed once per network


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


def _slow_matches(net: graphsvc.Network, members: set[str]) -> list[tuple[str, int, int, float]]:
    """The obvious way: every official joint organisation (with its members) against the
    community, one set intersection each."""
    from graphsvc.queries.common import indexes

    idx = indexes(net)
    found = []
    for o in idx.joint_orgs:
        group = {o, *(m for m, _ in idx.members.get(o, []))}
        shared = len(members & group)
        if shared:
            found.append((o, shared, len(group) - 1, round(shared / len(members | group), 3)))
    return sorted(found, key=lambda m: (-m[3], m[0]))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> graphsvc.Network:
    """A SYNTHETIC scenario over the bundled register (made up here, never kept): many joint
    organisations whose members overlap."""
    from graphsvc.tools.synth import synthesize

    tmp = tmp_path_factory.mktemp("synthetic")
    synthesize(Path(graphsvc.bundled_seed()) / "divisions.csv", tmp / "syn", seed=7)
    return graphsvc.load(tmp / "syn")


@pytest.mark.parametrize("which", ["tiny", "fangshan", "synthetic"])
def test_official_matches_as_the_obvious_way(which: str, request: pytest.FixtureRequest) -> None:
    """Each community's official matches (counted member by member) equal the obvious
    communities × organisations intersections: same organisations, counts, Jaccard and order."""
    net: graphsvc.Network = request.getfixturevalue(which)
    r = communities(net)
    assert r.total == len(r.data) > 0
    compared = 0
    for c in r.data:
        members = {m.id for m in community(net, c.id).data}
        assert len(members) == c.size
        got = [(m.org.id, m.shared, m.org_members, m.jaccard) for m in c.official]
        assert got == _slow_matches(net, members)
        compared += len(got)
    assert compared > 0  # some community matches an official organisation
    if which == "synthetic":  # members in several organisations: the case counting must get right
        assert sum(len(c.official) > 1 for c in r.data) > 1


# -- the list shows a prefix of each community's members; `community` gives them all -----------
@pytest.mark.parametrize("which", ["tiny", "fangshan", "synthetic"])
def test_the_list_shows_a_prefix_of_each_community(which: str,
                                                   request: pytest.FixtureRequest) -> None:
    """Each community of the list carries `member_count` (its whole size) and its first
    `members_limit` members, the hub first: a prefix of what `community` gives."""
    net: graphsvc.Network = request.getfixturevalue(which)
    whole = {c.id: community(net, c.id) for c in communities(net).data}
    assert max(w.total for w in whole.values()) > 2  # some community is cut at 2
    for members_limit in (0, 1, 2, 3, 20, 1000):
        listed = communities(net, members_limit=members_limit)
        assert listed.members_limit == members_limit
        for c in listed.data:
            w = whole[c.id]
            assert c.member_count == c.size == w.total == w.size == len(w.data)
            assert [m.id for m in c.members] == [m.id for m in w.data][:members_limit]
            assert w.data[0] == w.hub == c.hub and (c.name, c.official) == (w.name, w.official)
    # the hub first, then by id; every entity in at most one community
    for w in whole.values():
        rest = [m.id for m in w.data[1:]]
        assert rest == sorted(rest) and w.hub.id not in rest
    everyone = [m.id for w in whole.values() for m in w.data]
    assert len(everyone) == len(set(everyone))


def test_community_pages_through_every_member_once(fangshan: graphsvc.Network) -> None:
    first = communities(fangshan, limit=1).data[0]
    whole = community(fangshan, first.id)
    assert (whole.total, whole.count, whole.offset, whole.limit) == (
        first.member_count, first.member_count, 0, None)
    size = 3
    pages = [community(fangshan, first.id, limit=size, offset=o)
             for o in range(0, whole.total, size)]
    seen = [m.id for p in pages for m in p.data]
    assert seen == [m.id for m in whole.data] and len(set(seen)) == whole.total
    assert all((p.total, p.limit) == (whole.total, size) and p.count <= size for p in pages)
    past = community(fangshan, first.id, limit=size, offset=whole.total)
    assert (past.count, past.total, past.data) == (0, whole.total, [])


@pytest.mark.parametrize("bad", [-1, 1001, 2.5, True, "3", None])
def test_a_bad_members_limit_is_refused(tiny: graphsvc.Network, bad: object) -> None:
    with pytest.raises(graphsvc.InvalidQuery,
                       match=r"members_limit must be a whole number from 0 to 1000"):
        communities(tiny, members_limit=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 6, 10**9, "1", True, 1.0])
def test_an_unknown_community_is_refused(tiny: graphsvc.Network, bad: object) -> None:
    with pytest.raises(graphsvc.UnknownCommunity,
                       match=r"unknown community .*: they are numbered 1 to 5, largest first"):
        community(tiny, bad)  # type: ignore[arg-type]
    with pytest.raises(graphsvc.InvalidQuery, match="limit"):
        community(tiny, 1, limit=0)
