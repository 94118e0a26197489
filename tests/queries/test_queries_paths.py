"""neighbors, paths and common neighbours."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import common_neighbors, neighbors, paths


def test_tiny_neighbors(tiny: graphsvc.Network) -> None:
    r = neighbors(tiny, "乙村")
    assert [(n.entity.name, n.via.relation, n.via.forward) for n in r.data] == [
        ("西镇联合党委", "member_of", True), ("西镇", "part_of", True)]
    two = neighbors(tiny, "乙村", hops=2)
    assert two.count == 7
    assert {n.entity.name for n in two.data if n.distance == 2} == {
        "测试区", "测试景区", "甲村", "丙村", "丁村"}
    only = neighbors(tiny, "乙村", hops=2, relations=["member_of"])
    assert [n.entity.name for n in only.data] == ["西镇联合党委", "甲村"]
    assert {e.key for e in only.edges} == {e.key for e in only.edges if e.relation == "member_of"}


@pytest.mark.parametrize("kwargs, words", [
    ({"hops": 9}, "1 to 3"), ({"relations": ["member"]}, "member_of")])
def test_neighbors_bad_options(tiny: graphsvc.Network, kwargs: dict[str, object],
                               words: str) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match=words):
        neighbors(tiny, "乙村", **kwargs)  # type: ignore[arg-type]


def test_tiny_paths(tiny: graphsvc.Network) -> None:
    r = paths(tiny, "乙村", "990101101201")
    assert [p.text for p in r.data] == ["乙村 —成员→ 西镇联合党委 ←成员(龙头)— 甲村",
                                        "乙村 —隶属→ 西镇 ←隶属— 甲村"]
    assert r.data[0].edges[1].forward is False
    only = paths(tiny, "乙村", "990101101201", relations=["member_of"])
    assert only.count == 1
    none = paths(tiny, "乙村", "丁村", relations=["member_of"])
    assert none.count == 0
    with pytest.raises(graphsvc.InvalidQuery):
        paths(tiny, "乙村", "990101101202")
    with pytest.raises(graphsvc.UnknownEntity):
        paths(tiny, "乙村", "庚村")


def test_tiny_common_neighbors(tiny: graphsvc.Network) -> None:
    r = common_neighbors(tiny, ["乙村", "990101101201"])
    assert [c.entity.name for c in r.data] == ["西镇", "西镇联合党委"]
    assert [e.role for e in r.data[1].links] == ["member", "lead"]
    with pytest.raises(graphsvc.InvalidQuery):
        common_neighbors(tiny, ["乙村"])


def test_fangshan_path_article(fangshan: graphsvc.Network) -> None:
    r = paths(fangshan, "查儿村", "中英水村")
    assert r.data[0].text.startswith("查儿村 —成员→ ")
    assert r.data[0].text.endswith(" ←成员— 中英水村")
    assert r.data[0].nodes[1].id == "org.yingshuigou"
    hs = paths(fangshan, "泗马沟村", "黄山店村")
    assert hs.data[0].text == ("泗马沟村 —成员→ 周口店黄山店村等8村联合党委 ←成员(龙头)— 黄山店村")


def test_fangshan_common(fangshan: graphsvc.Network) -> None:
    r = common_neighbors(fangshan, ["查儿村", "中英水村", "上英水村"])
    assert {"org.yingshuigou", "110111210"} <= {c.entity.id for c in r.data}
