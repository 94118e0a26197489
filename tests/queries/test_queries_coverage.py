"""coverage and outcomes on the tiny seed (hand-checked) and the bundled seed."""

from __future__ import annotations

import pytest

import graphsvc
from graphsvc.queries import coverage, outcomes


def test_tiny_coverage(tiny: graphsvc.Network) -> None:
    r = coverage(tiny)
    d = r.district
    assert (d.villages, d.in_joint_org, d.weak, d.strong, d.unknown) == (7, 4, 3, 1, 3)
    assert d.by_model["village_village"] == 2 and d.by_model["area"] == 1
    assert (d.declared_members, d.recorded_members) == (5, 4)
    west = next(c for c in r.by_township if c.township and c.township.name == "西镇")
    assert (west.villages, west.in_joint_org, west.declared_members) == (4, 3, 4)
    vv = next(m for m in r.by_model if m.model == "village_village")
    assert (vv.orgs, vv.villages, vv.weak, vv.strong, vv.declared_members) == (1, 2, 1, 1, 3)
    ve = next(m for m in r.by_model if m.model == "village_enterprise")
    assert ve.members_by_kind == {"enterprise": 1, "village": 1}


def test_tiny_outcomes(tiny: graphsvc.Network) -> None:
    r = outcomes(tiny)
    assert r.count == 4
    assert [(o.model, o.key) for o in r.data[:2]] == [("area", "issues_solved"),
                                                      ("village_enterprise", "jobs_created")]
    ve = outcomes(tiny, model="village_enterprise")
    assert ve.count == 1 and ve.data[0].qualifier == "more_than" and ve.data[0].value == 12
    assert ve.by_model[0].total == 12 and ve.by_model[0].sources == ["T2"]
    # totals count their entities (no id lists on every page); the rows name them
    for t in r.by_model:
        assert t.entity_count == len({o.entity.id for o in r.data
                                      if (o.model, o.key, o.unit) == (t.model, t.key, t.unit)})
    assert outcomes(tiny, year=2021).count == 0


def test_outcomes_bad_model(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match="village_university"):
        outcomes(tiny, model="village-village")


def test_fangshan_outcomes(fangshan: graphsvc.Network) -> None:
    r = outcomes(fangshan, model="village_enterprise")
    jobs = [o for o in r.data if o.key == "jobs_created"]
    assert jobs and jobs[0].value == 40 and jobs[0].source == "S1"
    area = outcomes(fangshan, model="area")
    assert any(o.key == "issues_solved" and o.value == 1127 for o in area.data)


def test_fangshan_coverage(fangshan: graphsvc.Network) -> None:
    r = coverage(fangshan)
    zkd = next(c for c in r.by_township if c.township and c.township.id == "110111009")
    assert zkd.by_model["village_village"] >= 8
    assert zkd.weak >= 4


def test_fangshan_grid_and_area_models(fangshan: graphsvc.Network) -> None:
    """The grid model is recorded as counts on three villages (S1); 拱辰's four area committees
    list no members, which is "not recorded", not "no village practises it"."""
    r = coverage(fangshan)
    grid = next(m for m in r.by_model if m.model == "grid")
    assert (grid.villages, grid.villages_by_fact, grid.membership) == (3, 3, "no organisations")
    assert r.district.by_model["grid"] == 3
    names = sorted(fangshan.name(t) for t in ("110111105232", "110111104200", "110111109212"))
    assert names == sorted(["朱岗子村", "吉羊村", "辛庄村"])
    area = next(m for m in r.by_model if m.model == "area")
    assert (area.orgs, area.orgs_without_members, area.membership) == (4, 4, "not recorded")
    gongchen = next(c for c in r.by_township if c.township and c.township.id == "110111011")
    assert gongchen.membership_not_recorded == ["area"]
    assert r.district.membership_not_recorded == ["area"]
    zkd = next(c for c in r.by_township if c.township and c.township.id == "110111009")
    assert zkd.membership_not_recorded == []
