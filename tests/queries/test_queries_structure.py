"""tree, members and group metrics."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import group_metrics, members, tree
from graphsvc.queries.structure import TreeNode


def _names(n: TreeNode) -> list[str]:
    return [c.entity.name for c in n.children]


def test_tiny_tree(tiny: graphsvc.Network) -> None:
    r = tree(tiny, "990101")
    assert r.count == 14
    assert _names(r.root) == ["东乡街道", "西镇", "南乡"]
    east = r.root.children[0]
    assert _names(east) == ["东乡片区联合党委"]
    assert _names(east.children[0]) == ["春晖社区"]
    west = r.root.children[1]
    jia = west.children[0]
    assert jia.entity.id == "990101101201"
    assert _names(jia) == ["甲村第一网格"] and _names(jia.children[0]) == ["甲村第一网格党小组"]
    assert tree(tiny, "990101", depth=1).count == 4


def test_tree_bad_depth(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery):
        tree(tiny, "990101", depth=-1)


def test_tiny_members(tiny: graphsvc.Network) -> None:
    r = members(tiny, "西镇联合党委")
    assert [(m.entity.name, m.role, m.role_label, m.status) for m in r.data] == [
        ("甲村", "lead", "龙头", "strong"), ("乙村", "member", "成员", "weak")]
    m = r.metrics
    assert (m.members, m.weak, m.strong, m.unknown) == (2, 1, 1, 0)
    assert m.declared_members == {"members.village": 3}
    assert m.recorded_members == {"members.village": 2}
    assert [t.name for t in m.townships] == ["西镇"] and [x.name for x in m.lead] == ["甲村"]
    with pytest.raises(graphsvc.InvalidQuery, match="not a party organisation"):
        members(tiny, "乙村")


def test_tiny_group_metrics(tiny: graphsvc.Network) -> None:
    r = group_metrics(tiny)
    assert [g.org.id for g in r.data] == ["org.area-east", "org.bing-coop", "org.west-joint"]
    assert r.data[1].by_kind == {"enterprise": 1, "village": 1}


def test_fangshan_members(fangshan: graphsvc.Network) -> None:
    r = members(fangshan, "org.zkd-eight-villages")
    assert r.count == 8 and r.data[0].entity.name == "黄山店村" and r.data[0].role == "lead"
    assert {"泗马沟村", "长流水村", "葫芦棚村", "北下寺村"} <= {m.entity.name for m in r.data}
    ysg = members(fangshan, "org.yingshuigou")
    assert {"中英水村", "上英水村", "查儿村"} <= {m.entity.name for m in ysg.data}
    assert ysg.metrics.declared_members["members.village"] == 5


def test_fangshan_tree_gongchen(fangshan: graphsvc.Network) -> None:
    r = tree(fangshan, "拱辰街道", depth=1)
    assert {"拱辰街道北部片区联合党委", "拱辰街道西南片区联合党委", "拱辰街道东部片区联合党委",
            "拱辰街道中部片区联合党委"} <= set(_names(r.root))
