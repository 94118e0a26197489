"""search: every way of naming an entity, with reasons and scores."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import search


def _top(r: graphsvc.queries.SearchResult) -> tuple[str, str, float]:
    m = r.data[0]
    return m.entity.id, m.reason, m.score


def test_tiny_search(tiny: graphsvc.Network) -> None:
    assert _top(search(tiny, "990101101202")) == ("990101101202", "code", 1.0)
    assert _top(search(tiny, "乙村")) == ("990101101202", "name", 1.0)
    assert _top(search(tiny, "已村")) == ("990101101202", "alias", 0.95)
    assert _top(search(tiny, "乙村委会")) == ("990101101202", "suffix", 0.9)
    assert _top(search(tiny, "西地区")) == ("990101101", "alias", 0.95)
    assert _top(search(tiny, "yicun")) == ("990101101202", "pinyin", 0.8)
    assert _top(search(tiny, "yc")) == ("990101101202", "initials", 0.7)


def test_tiny_ambiguous_and_township(tiny: graphsvc.Network) -> None:
    r = search(tiny, "甲村")
    assert r.ambiguous and [m.entity.township_name for m in r.data[:2]] == ["西镇", "南乡"]
    narrowed = search(tiny, "甲村", township="南乡")
    assert not narrowed.ambiguous and narrowed.data[0].entity.id == "990101201201"
    assert search(tiny, "甲村", township="西地区").data[0].entity.id == "990101101201"


def test_search_bad_options(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery):
        search(tiny, "  ")
    with pytest.raises(graphsvc.InvalidQuery, match="not a township"):
        search(tiny, "甲村", township="乙村")
    assert search(tiny, "完全没有").count == 0


def test_fangshan_search(fangshan: graphsvc.Network) -> None:
    assert _top(search(fangshan, "hsd"))[:2] == ("110111009212", "initials")
    assert _top(search(fangshan, "huangshandian"))[:2] == ("110111009212", "pinyin")
    trad = search(fangshan, "黃山店村").data[0]
    assert (trad.entity.id, trad.reason) == ("110111009212", "traditional") and trad.score < 1
    assert _top(search(fangshan, "黄山店村民委员会"))[:2] == ("110111009212", "suffix")
    variant = search(fangshan, "黄山殿村").data[0]
    assert (variant.entity.id, variant.reason) == ("110111009212", "variant")
    assert _top(search(fangshan, "周口店镇"))[:2] == ("110111009", "alias")
    assert _top(search(fangshan, "控马庄村"))[:2] == ("110111009209", "alias")


def test_fangshan_xinzhuang_ambiguous(fangshan: graphsvc.Network) -> None:
    r = search(fangshan, "辛庄村")
    assert r.ambiguous
    same = [m for m in r.data if m.score == 1.0]
    assert len(same) == 6 and all(m.entity.township_name for m in same)
    one = search(fangshan, "辛庄", township="大石窝镇")
    assert one.data[0].entity.id == "110111109212" and not one.ambiguous
