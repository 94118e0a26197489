"""The bundled Fangshan seed holds the facts of the case article (S1) and of S3/S4."""

from __future__ import annotations

from collections import Counter

import pytest

import graphsvc

ZKD = "110111009"  # 周口店地区 (周口店镇 in S1)
ZKD_VILLAGES = {
    "110111009212": "黄山店村",
    "110111009209": "拴马庄村",  # S1: 控马庄村
    "110111009213": "黄元寺村",
    "110111009217": "涞沥水村",  # S1: 涑沥水村
    "110111009221": "长流水村",
    "110111009219": "北下寺村",
    "110111009218": "泗马沟村",
    "110111009220": "葫芦棚村",
}
WEAK_S3 = {"110111009218", "110111009221", "110111009220", "110111009219"}
HUANGSHANDIAN = "110111009212"


@pytest.fixture(scope="module")
def net() -> graphsvc.Network:
    return graphsvc.load()


def members(net: graphsvc.Network, org: str) -> dict[str, str | None]:
    """Every member of a party organisation and its role."""
    return {u: d.get("role") for u, _, d in net.graph.in_edges(org, data=True)
            if d["relation"] == "member_of"}


def out_edges(net: graphsvc.Network, node: str, relation: str) -> set[str]:
    return {v for _, v, d in net.graph.out_edges(node, data=True) if d["relation"] == relation}


def in_edges(net: graphsvc.Network, node: str, relation: str) -> set[str]:
    return {u for u, _, d in net.graph.in_edges(node, data=True) if d["relation"] == relation}


def completeness(net: graphsvc.Network, entity: str, key: str) -> dict:
    rows = [c for c in net.report.completeness if c["entity"] == entity and c["count"] == key]
    assert len(rows) == 1, rows
    return rows[0]


def facts(net: graphsvc.Network, ref: str, key: str) -> list:
    return [f for f in net.facts_of(ref) if f.key == key]


# -- the register ---------------------------------------------------------------------------
def test_register_counts(net):
    kinds = Counter(k for _, k in net.graph.nodes(data="kind"))
    assert kinds["district"] == 1
    assert kinds["township"] == 28
    assert kinds["village"] == 669
    subtypes = Counter(d["subtype"] for _, d in net.graph.nodes(data=True)
                       if d["kind"] == "village")
    assert subtypes == {"村委会": 459, "社区居委会": 210}


def test_loads_without_problems_and_knows_all_sources(net):
    assert set(net.sources) == {"S1", "S2", "S3", "S4"}
    assert set(net.report.sources) == {"S1", "S2", "S3", "S4"}


def test_every_node_and_edge_names_a_known_source(net):
    for node, data in net.graph.nodes(data=True):
        assert data.get("source") in net.sources, node
    for u, v, data in net.graph.edges(data=True):
        assert data.get("source") in net.sources, (u, v, data.get("relation"))


def test_every_fact_names_a_known_source_and_a_year(net):
    for node, fs in net.facts.items():
        for f in fs:
            assert f.source in net.sources, (node, f.key)
            assert f.year is not None, (node, f.key)


# -- names and reconciliation ---------------------------------------------------------------
@pytest.mark.parametrize(("article", "code", "official"), [
    ("控马庄村", "110111009209", "拴马庄村"),
    ("涑沥水村", "110111009217", "涞沥水村"),
    ("杨驹马庄村", "110111104205", "杨驸马庄村"),
    ("拴马庄", "110111009209", "拴马庄村"),  # S3
    ("涞沥水", "110111009217", "涞沥水村"),  # S3
    ("周口店镇", "110111009", "周口店地区"),
    ("琉璃河镇", "110111010", "琉璃河地区"),
])
def test_article_spellings_resolve_to_the_register(net, article, code, official):
    assert net.resolve(article) == code
    assert net.name(code) == official  # the register's name stays the name


def test_repeated_names_resolve_inside_their_township(net):
    assert net.resolve("辛庄村", township="大石窝镇") == "110111109212"
    assert net.resolve("水峪村", township="青龙湖镇") == "110111112230"
    with pytest.raises(graphsvc.AmbiguousName):
        net.resolve("辛庄村")


def test_named_villages_of_the_article_have_their_codes(net):
    named = {
        ("长阳镇", "朱岗子村"): "110111105232",
        ("窦店镇", "大高舍村"): "110111103217",
        ("石楼镇", "吉羊村"): "110111104200",
        ("石楼镇", "杨驸马庄村"): "110111104205",
        ("佛子庄乡", "中英水村"): "110111210210",
        ("佛子庄乡", "上英水村"): "110111210211",
        ("佛子庄乡", "查儿村"): "110111210213",
    }
    for (township, village), code in named.items():
        assert net.resolve(village, township=township) == code
    for code, name in ZKD_VILLAGES.items():
        assert net.resolve(name, township="周口店镇") == code


def test_caption_variant_of_the_central_area_committee(net):
    assert net.resolve("拱辰街道中片区联合党委") == net.resolve("拱辰街道中部片区联合党委")


# -- the five models ------------------------------------------------------------------------
def test_zhoukoudian_eight_villages_one_committee_led_by_huangshandian(net):
    orgs = {v for code in ZKD_VILLAGES for v in out_edges(net, code, "member_of")}
    assert len(orgs) == 1
    (org,) = orgs
    node = net.graph.nodes[org]
    assert node["kind"] == "party_org"
    assert node["model"] == "village_village"
    assert node["level"] == "党委"
    assert node["township"] == ZKD
    assert "descriptive" in node["note"]
    m = members(net, org)
    assert set(m) == set(ZKD_VILLAGES)
    assert {c: net.name(c) for c in m} == ZKD_VILLAGES
    assert [c for c, role in m.items() if role == "lead"] == [HUANGSHANDIAN]
    assert net.resolve("大幽岚山景区") in out_edges(net, org, "develops")
    honours = [f for f in net.facts_of(org) if f.fact == "honour"]
    assert [h.key for h in honours] == ["中央党校乡村振兴案例"]


def test_demonstration_area_covers_the_same_eight_villages(net):
    area = net.resolve("周口店镇乡村振兴示范区")
    assert net.graph.nodes[area]["subtype"] == "demonstration_area"
    assert out_edges(net, area, "covers") == set(ZKD_VILLAGES)
    for _, _, d in net.graph.out_edges(area, data=True):
        if d["relation"] == "covers":
            assert d["source"] == "S3"
    figures = {f.key: (f.value, f.unit, f.qualifier) for f in net.facts_of(area)
               if f.fact == "indicator"}
    assert figures == {
        "land_area": (4795, "hectares", "about"),
        "registered_households": (1305, "households", "exact"),
        "registered_residents": (2931, "people", "exact"),
        "resident_population": (2591, "people", "exact"),
        "visitors_per_year": (350000, "people", "about"),
    }


def test_gongchen_guides_four_area_committees(net):
    committees = out_edges(net, "110111011", "guides")
    assert len(committees) == 4
    names = {net.name(c) for c in committees}
    assert names == {f"拱辰街道{p}片区联合党委" for p in ("北部", "西南", "东部", "中部")}
    for c in committees:
        node = net.graph.nodes[c]
        assert (node["model"], node["level"], node["township"]) == ("area", "党委", "110111011")
    (issues,) = facts(net, "110111011", "issues_solved")
    assert (issues.value, issues.model, issues.source) == (1127, "area", "S1")
    row = completeness(net, "110111011", "area_committees")
    assert (row["declared"], row["recorded"]) == (4, 4)


def test_liulihe_area_committees_are_a_declared_count(net):
    row = completeness(net, "110111010", "area_committees")
    assert (row["declared"], row["recorded"]) == (12, 0)
    (villages,) = facts(net, "琉璃河镇", "administrative_villages")
    assert villages.value == 47


def test_yingshuigou_three_recorded_of_five_declared(net):
    org = "org.yingshuigou"
    assert set(members(net, org)) == {"110111210210", "110111210211", "110111210213"}
    row = completeness(net, org, "members.village")
    assert (row["declared"], row["recorded"]) == (5, 3)
    assert net.graph.nodes[org]["level"] == "党总支"
    (income,) = facts(net, org, "combined_collective_income")
    assert (income.value, income.unit, income.year, income.source) == (1614000, "yuan", 2022, "S1")
    # a sum over five villages is not one village's income: no status from it
    assert net.status(org, 2022).status == "unknown"


def test_village_enterprise_orgs_and_their_members(net):
    orgs = {n for n, d in net.graph.nodes(data=True)
            if d["kind"] == "party_org" and d.get("model") == "village_enterprise"}
    got = {org: set(members(net, org)) for org in orgs}
    assert got == {
        "org.shuiyu-xincheng": {"110111112230", "ent.fangshan-xincheng-invest"},
        "org.yangfumazhuang-caogentang": {"110111104205", "ent.caogentang"},
    }
    shuiyu = net.graph.nodes["org.shuiyu-xincheng"]
    assert shuiyu["form"].split(";") == ["joint", "functional", "temporary"]
    initiators = in_edges(net, "org.shuiyu-xincheng", "initiated")
    assert initiators == {"agency.fangshan-sasac", "110111112"}
    assert out_edges(net, net.resolve("北京大熊猫科研繁育基地"), "located_in") == {"110111112230"}
    figures = {f.key: (f.value, f.qualifier) for f in net.facts_of("org.yangfumazhuang-caogentang")}
    assert figures["jobs_created"] == (40, "more_than")
    assert figures["collective_income_increase"] == (300000, "exact")
    assert figures["themed_party_days"] == (10, "more_than")


def test_village_university_orgs_and_their_members(net):
    orgs = {n for n, d in net.graph.nodes(data=True)
            if d["kind"] == "party_org" and d.get("model") == "village_university"}
    got = {org: set(members(net, org)) for org in orgs}
    assert got == {
        "org.zhugangzi-bit": {"110111105232", "uni.bit"},
        "org.dagaoshe-cup": {"110111103217", "uni.cup-marxism"},
        "org.shijiaying-red-line": {"110111212"},
    }
    assert out_edges(net, "uni.cup-marxism", "part_of") == {"uni.cup"}
    assert net.resolve("中国石油大学(北京)") == "uni.cup"
    (teams,) = facts(net, "org.dagaoshe-cup", "volunteer_teams")
    assert (teams.fact, teams.value) == ("declared_count", 10)


def test_grid_model_counts(net):
    villages = ("110111105232", "110111104200", "110111109212")
    declared = {(f.entity, f.key): f.value for code in villages
                for f in net.facts_of(code) if f.fact == "declared_count"}
    assert declared[("110111105232", "grids")] == 5
    assert declared[("110111105232", "micro_grids")] == 33
    assert declared[("110111105232", "party_groups")] == 5
    assert declared[("110111104200", "functional_party_groups")] == 10
    assert declared[("110111109212", "grids")] == 6
    assert declared[("110111109212", "functional_party_groups")] == 6
    # grids and party groups the source only counts are not invented as entities
    assert not [n for n, k in net.graph.nodes(data="kind") if k == "grid"]


# -- honours and status ---------------------------------------------------------------------
def test_honours(net):
    def honours(ref):
        return {(f.key, f.year, f.source) for f in net.facts_of(ref) if f.fact == "honour"}
    assert honours(HUANGSHANDIAN) == {("全国先进基层党组织", 2021, "S4"),
                                      ("北京市农村工作先进集体", 2022, "S4")}
    assert honours("110111109212") == {("区级创城示范村", 2022, "S1")}
    income = {f.key: (f.value, f.year, f.qualifier) for f in net.facts_of(HUANGSHANDIAN)
              if f.fact == "indicator"}
    assert income == {"tourism_income": (32000000, 2023, "exact"),
                      "per_capita_net_income": (30000, 2023, "more_than")}


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_s3_weak_villages_are_weak(net, year):
    for code in WEAK_S3:
        st = net.status(code, year)
        assert st.status == "weak", (code, year)
        assert st.evidence and all(e.source == "S3" for e in st.evidence)
        assert st.evidence[0].key == "集体经济薄弱村"


def test_weak_villages_have_no_invented_income(net):
    for code in WEAK_S3:
        assert not facts(net, code, "collective_income")


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_huangshandian_is_strong(net, year):
    st = net.status("黄山店村", year)
    assert st.status == "strong"
    assert st.evidence[0].source == "S4"
    assert st.evidence[0].key == "全国先进基层党组织"


def test_no_status_before_the_evidence(net):
    assert net.status("泗马沟村", 2020).status == "unknown"
    assert net.status("黄山店村", 2020).status == "unknown"
