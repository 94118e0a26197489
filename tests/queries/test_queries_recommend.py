"""recommend: the five principles, weights, constraints and missing data."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import recommend


def test_tiny_recommend(tiny: graphsvc.Network) -> None:
    r = recommend(tiny, "乙村")
    assert [c.entity.name for c in r.data] == ["甲村", "丙村", "丁村"]
    top = r.data[0]
    scores = {p.principle: p.score for p in top.principles}
    # same township, codes 1 apart of 4 villages: 0.5 + 0.5 * (1 - 1/4)
    assert scores["adjacent"] == 0.875
    assert scores["industry"] == 1.0  # both tourism, via the park the joint committee develops
    assert scores["development"] == 1.0  # weak 乙村, strong 甲村
    assert top.score == pytest.approx((0.875 + 1 + 1 + 0 + 1) / 5, abs=1e-3)
    assert [v.id for v in top.linked_via] == ["org.west-joint"]
    ding = {p.principle: p for p in r.data[2].principles}
    assert ding["industry"].score is None and "丁村" in ding["industry"].detail
    assert "industry (产业相近)" in r.missing
    assert "西镇" in r.constraints[0]


def test_weights_change_ranking(tiny: graphsvc.Network) -> None:
    r = recommend(tiny, "乙村", weights={"adjacent": 0, "industry": 0, "function": 0,
                                        "development": 0, "resources": 1})
    assert r.data[0].entity.name in {"丙村", "丁村"}
    assert recommend(tiny, "乙村", limit=1).count == 1


def test_scope_district(tiny: graphsvc.Network) -> None:
    r = recommend(tiny, "乙村", scope="district", limit=10)
    assert r.count == 6  # every other village of the district


@pytest.mark.parametrize("kwargs, words", [
    ({"weights": {"nearby": 1}}, "adjacent"),
    ({"weights": {"adjacent": -1}}, ">= 0"),
    ({"scope": "county"}, "township, district"),
    ({"limit": 0}, ">= 1"),
])
def test_bad_options(tiny: graphsvc.Network, kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match=words):
        recommend(tiny, "乙村", **kwargs)  # type: ignore[arg-type]


def test_not_a_village(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match="villages"):
        recommend(tiny, "西镇")
    with pytest.raises(graphsvc.AmbiguousName):
        recommend(tiny, "甲村")


def test_fangshan_weak_village_gets_its_lead(fangshan: graphsvc.Network) -> None:
    r = recommend(fangshan, "泗马沟村")
    assert r.data[0].entity.name == "黄山店村"
    assert r.data[0].linked_via[0].id == "org.zkd-eight-villages"
    assert all(c.entity.township == "110111009" for c in r.data)
