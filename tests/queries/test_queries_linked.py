"""weak_linked and gaps on the tiny seed (hand-checked) and the bundled seed (S1/S3 facts)."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc import InvalidQuery
from graphsvc.queries import gaps, weak_linked

S3_WEAK = {"泗马沟村", "长流水村", "葫芦棚村", "北下寺村"}


def test_tiny_weak_linked(tiny: graphsvc.Network) -> None:
    r = weak_linked(tiny)
    assert r.year == 2022 and r.weak_total == 3 and r.count == 1
    link = r.data[0]
    assert (link.weak.name, link.strong.name) == ("乙村", "甲村")
    assert [v.id for v in link.via] == ["org.west-joint"] and link.models == ["village_village"]
    assert link.path.text == "乙村 —成员→ 西镇联合党委 ←成员(龙头)— 甲村"
    assert link.weak_status.evidence[0].key == "集体经济薄弱村"
    assert link.strong_status.evidence[0].source == "T2"
    assert link.sources == ["T2"]


def test_tiny_weak_linked_options(tiny: graphsvc.Network) -> None:
    assert weak_linked(tiny, models=["area"]).count == 0
    assert weak_linked(tiny, township="南乡").count == 0
    assert weak_linked(tiny, township="南乡").weak_total == 1
    assert weak_linked(tiny, year=2020).weak_total == 0


@pytest.mark.parametrize("kwargs, words", [
    ({"models": ["nope"]}, "village_village"),
    ({"max_hops": 0}, "1 to"),
    ({"township": "乙村"}, "not a township"),
])
def test_bad_options(tiny: graphsvc.Network, kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match=words):
        weak_linked(tiny, **kwargs)  # type: ignore[arg-type]


def test_unknown_township(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.UnknownEntity):
        gaps(tiny, township="北镇")


def test_tiny_gaps(tiny: graphsvc.Network) -> None:
    r = gaps(tiny)
    found = {(g.gap, g.entity.id) for g in r.data}
    assert found == {
        ("weak_without_strong", "990101101203"), ("weak_without_strong", "990101201202"),
        ("village_without_org", "990101101204"), ("village_without_org", "990101201201"),
        ("village_without_org", "990101201202"),
        ("org_without_strong", "org.area-east"), ("org_without_strong", "org.bing-coop"),
        ("org_without_enterprise_or_university", "org.area-east"),
        ("org_without_enterprise_or_university", "org.west-joint"),
        ("status_unknown", "990101001001"),
    }
    district = r.summary[-1]
    assert district.township is None
    assert (district.villages, district.weak, district.weak_without_strong) == (7, 3, 2)
    assert (district.orgs, district.status_unknown) == (3, 3)
    west = gaps(tiny, township="西镇")
    assert len(west.summary) == 1 and west.summary[0].villages == 4


def test_tiny_gap_details(tiny: graphsvc.Network) -> None:
    """Each gap's detail, in words (worked out for the rows of a page, not kept whole)."""
    details = {(g.gap, g.entity.id): g.detail for g in gaps(tiny).data}
    assert details[("weak_without_strong", "990101101203")] == (
        "weak in 2022; no strong entity through a joint organisation or a partnership")
    assert details[("village_without_org", "990101201201")] == "member of no joint organisation"
    assert details[("org_without_strong", "org.bing-coop")] == "no member is strong in 2022"
    assert details[("org_without_enterprise_or_university", "org.area-east")] == (
        "no enterprise or university member (片区联建)")
    assert details[("status_unknown", "990101001001")] == (
        "member of 东乡片区联合党委; no income, honour or designation on record for 2022")
    page = gaps(tiny, limit=2, offset=5)
    assert [(g.gap, g.entity.id, g.detail) for g in page.data] == [
        (g.gap, g.entity.id, g.detail) for g in gaps(tiny).data[5:7]]


def test_gap_of_an_organisation_without_township(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    net = graphsvc.load(tiny_copy({"entities.csv": (
        "东乡片区联合党委,990101001,", "东乡片区联合党委,,")}), snapshot=False)
    found = [(g.gap, g.detail) for g in gaps(net).data if g.entity.id == "org.area-east"]
    assert found == [("org_without_strong", "(no township)"),
                     ("org_without_enterprise_or_university", "(no township)")]


def test_fangshan_s3_weak_villages_linked_to_huangshandian(fangshan: graphsvc.Network) -> None:
    r = weak_linked(fangshan)
    links = {d.weak.name: d for d in r.data if d.strong.name == "黄山店村"}
    assert set(links) >= S3_WEAK
    for name in S3_WEAK:
        d = links[name]
        assert [v.id for v in d.via] == ["org.zkd-eight-villages"]
        assert d.models == ["village_village"]
        assert d.path.text.endswith("←成员(龙头)— 黄山店村")
        assert "S3" in d.sources


def test_fangshan_gaps_district_row(fangshan: graphsvc.Network) -> None:
    r = gaps(fangshan, township="周口店地区")
    assert not [g for g in r.data if g.gap == "weak_without_strong"]
    assert r.summary[0].weak >= 4


def test_weak_linked_pages(fangshan) -> None:  # type: ignore[no-untyped-def]
    """limit/offset page through the links; total counts them all; the pages add up."""
    whole = weak_linked(fangshan)
    assert whole.total == whole.count == 4 and whole.limit is None
    first = weak_linked(fangshan, limit=3)
    rest = weak_linked(fangshan, limit=3, offset=3)
    assert (first.total, first.count, rest.count, rest.offset) == (4, 3, 1, 3)
    assert [x.weak.id for x in first.data + rest.data] == [x.weak.id for x in whole.data]
    assert weak_linked(fangshan, offset=10).data == []
    with pytest.raises(InvalidQuery, match="limit must be a whole number >= 1"):
        weak_linked(fangshan, limit=0)
    with pytest.raises(InvalidQuery, match="offset must be a whole number >= 0"):
        weak_linked(fangshan, offset=-1)
