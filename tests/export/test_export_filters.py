"""Subgraph filters on the tiny seed, with answers worked out by hand from its rows."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx
import pytest

import graphsvc
from graphsvc.export import subgraph

WEST = "990101101"  # 西镇
JIA, YI, BING, DING = (f"99010110120{i}" for i in range(1, 5))


def nodes_edges(net: graphsvc.Network, **filters: Any) -> tuple[set[str], int]:
    """The nodes and edge count of a filtered subgraph."""
    g = subgraph(net, **filters)
    return set(g), g.number_of_edges()


def test_no_filter_is_whole_graph(tiny: graphsvc.Network) -> None:
    assert subgraph(tiny) is tiny.graph


def test_township(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, township="西镇")
    assert nodes == {WEST, JIA, YI, BING, DING, "org.west-joint", "org.bing-coop",
                     "org.jia-group-1", "ent.coop", "grid.jia-1", "place.park"}
    # 4 part_of + 4 member_of + covers + party_group_of + develops; uni.test is outside
    assert edges == 11
    assert nodes_edges(tiny, township=WEST) == (nodes, edges)


def test_model(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, model="village_village")
    assert nodes == {"org.west-joint", JIA, YI, "place.park"}
    assert edges == 3
    nodes, _ = nodes_edges(tiny, model="village_enterprise")
    assert nodes == {"org.bing-coop", BING, "ent.coop"}


def test_kind(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, kind=["township"])
    assert nodes == {"990101001", WEST, "990101201"} and edges == 0
    nodes, edges = nodes_edges(tiny, kind=["township", "district"])
    assert len(nodes) == 4 and edges == 3


def test_ego(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, ego=JIA)
    assert nodes == {JIA, WEST, "org.west-joint", "grid.jia-1"} and edges == 3
    nodes, _ = nodes_edges(tiny, ego=JIA, hops=2)
    assert nodes == {JIA, WEST, "org.west-joint", "grid.jia-1", "990101", YI, BING, DING,
                     "place.park", "org.jia-group-1"}
    assert nodes_edges(tiny, ego=JIA, hops=0)[0] == {JIA}


def test_relation(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, relation=["member_of"])
    assert nodes == set(tiny.graph) and edges == 5
    g = subgraph(tiny, relation="member_of,covers")
    assert {r for *_, r in g.edges(data="relation")} == {"member_of", "covers"}


def test_filters_combine(tiny: graphsvc.Network) -> None:
    nodes, edges = nodes_edges(tiny, township="西镇", kind=["village"])
    assert nodes == {JIA, YI, BING, DING} and edges == 0
    nodes, edges = nodes_edges(tiny, ego=JIA, hops=2, relation=["part_of"])
    assert edges == 5  # 4 villages -> 西镇, 西镇 -> 测试区


@pytest.mark.parametrize(("filters", "listed"), [
    ({"township": JIA}, "990101101 西镇"),
    ({"township": "北镇"}, "北镇"),
    ({"model": "joint"}, "area, village_village, village_enterprise"),
    ({"kind": ["town"]}, "district, township, village"),
    ({"relation": ["leads"]}, "part_of, member_of"),
    ({"ego": JIA, "hops": -1}, "0 or more"),
    ({"hops": 2}, "needs ego"),
    ({"ego": "nowhere"}, "unknown entity"),
])
def test_bad_filters_list_valid_values(tiny: graphsvc.Network, filters: dict[str, Any],
                                       listed: str) -> None:
    with pytest.raises(graphsvc.InvalidQuery) as exc:
        subgraph(tiny, **filters)
    assert listed in str(exc.value)


def test_export_applies_filters_and_year(tiny: graphsvc.Network) -> None:
    buf = io.BytesIO()
    tiny.export("json", buf, township="西镇", year=2020)
    g = nx.node_link_graph(json.loads(buf.getvalue()), edges="edges")
    assert len(g) == 11
    assert g.nodes[JIA]["status"] == "strong"  # honoured in 2020
    assert g.nodes[YI]["status"] == "unknown"  # designated weak only in 2021
    buf = io.BytesIO()
    tiny.export("json", buf, year=2022)
    g = nx.node_link_graph(json.loads(buf.getvalue()), edges="edges")
    assert g.nodes[YI]["status"] == "weak" and g.nodes[BING]["status"] == "weak"
    assert g.nodes[JIA]["degree"] == 3


def test_bad_year_and_colour(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match="whole number"):
        tiny.export("json", io.BytesIO(), year="2022")
    with pytest.raises(graphsvc.InvalidQuery, match="kind, status"):
        tiny.export("json", io.BytesIO(), color_by="size")
