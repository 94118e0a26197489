"""Loading the tiny made-up seed: the graph, its attributes, lookups and statuses."""

from __future__ import annotations

import networkx as nx
import pytest

import graphsvc
from graphsvc import AmbiguousName, UnknownEntity


def test_graph_shape(tiny: graphsvc.Network) -> None:
    g = tiny.graph
    assert isinstance(g, nx.MultiDiGraph)
    assert nx.is_frozen(g)
    assert g.number_of_nodes() == 19
    assert g.number_of_edges() == 20
    assert tiny.report.kinds["village"] == 7
    assert tiny.report.relations["part_of"] == 10


def test_node_ids_are_codes_and_attributes_are_scalars(tiny: graphsvc.Network) -> None:
    g = tiny.graph
    assert g.nodes["990101"]["kind"] == "district"
    assert g.nodes["990101101201"] == {
        "kind": "village",
        "subtype": "村委会",
        "name": "甲村",
        "register_name": "甲村委会",
        "township": "990101101",
        "code": "990101101201",
        "source": "T1",
        "pinyin": "jiacun",
        "initials": "jc",
    }
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
    for *_, data in g.edges(keys=True, data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())


def test_every_edge_has_a_unique_key(tiny: graphsvc.Network) -> None:
    keys = [k for _, _, k in tiny.graph.edges(keys=True)]
    assert len(keys) == len(set(keys)) == 20
    assert all(k.startswith("e") for k in keys)


def test_cannot_mutate_graph(tiny: graphsvc.Network) -> None:
    with pytest.raises(nx.NetworkXError):
        tiny.graph.add_node("x")


def test_edge_attributes(tiny: graphsvc.Network) -> None:
    edges = tiny.graph.get_edge_data("990101101201", "org.west-joint")
    (data,) = edges.values()
    assert data == {
        "relation": "member_of",
        "label": "成员",
        "directed": True,
        "role": "lead",
        "since": "2021",
        "source": "T2",
    }


def test_resolve_by_code_id_name_alias_and_township(tiny: graphsvc.Network) -> None:
    assert tiny.resolve("990101101202") == "990101101202"
    assert tiny.resolve("org.west-joint") == "org.west-joint"
    assert tiny.resolve("乙村") == "990101101202"
    assert tiny.resolve("已村") == "990101101202"
    assert tiny.resolve("甲村", township="南乡") == "990101201201"
    assert tiny.resolve("甲村", township="西地区") == "990101101201"
    assert tiny.resolve("南乡/甲村") == "990101201201"


def test_ambiguous_name_lists_every_candidate(tiny: graphsvc.Network) -> None:
    with pytest.raises(AmbiguousName) as info:
        tiny.resolve("甲村")
    assert info.value.candidates == [
        ("990101101201", "甲村", "西镇"),
        ("990101201201", "甲村", "南乡"),
    ]


def test_unknown_suggests(tiny: graphsvc.Network) -> None:
    with pytest.raises(UnknownEntity) as info:
        tiny.resolve("丙")
    assert ("990101101203", "丙村") in info.value.suggestions
    assert "did you mean 990101101203 丙村" in str(info.value)


def test_status_with_evidence(tiny: graphsvc.Network) -> None:
    st = tiny.status("990101101201", 2022)
    assert st.status == "strong"
    assert {e.rule for e in st.evidence} == {"honoured", "high_collective_income"}
    assert st.evidence[0].year == 2022 and st.evidence[0].source == "T2"
    assert tiny.status("乙村", 2021).status == "weak"
    assert tiny.status("乙村", 2020).status == "unknown"
    assert tiny.status("丙村", 2022).evidence[0].rule == "low_collective_income"
    assert tiny.status("丁村", 2022).status == "unknown"
    assert tiny.status("丁村", 2022).evidence == ()


def test_default_year_is_latest_with_data(tiny: graphsvc.Network) -> None:
    assert tiny.default_year() == 2022
    assert set(tiny.statuses()) == {"990101101201", "990101101202", "990101101203", "990101201202"}


def test_report(tiny: graphsvc.Network) -> None:
    r = tiny.report
    assert r.nodes == 19 and r.edges == 20
    assert len(r.data_version) == 16
    assert r.completeness == [
        {
            "entity": "org.west-joint",
            "name": "西镇联合党委",
            "count": "members.village",
            "declared": 3,
            "recorded": 2,
            "source": "T2",
        }
    ]
    (w,) = r.warnings
    assert str(w).endswith(
        "facts.csv:7: org.west-joint 西镇联合党委: members.village declared 3, "
        "recorded 2 — the source does not name the others"
    )
    assert "completeness" in r.text()


def test_data_version_changes_with_content(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    a = graphsvc.load(tiny_copy()).data_version
    b = graphsvc.load(tiny_copy(edits={"facts.csv": ("2500000", "2600000")})).data_version
    assert a != b
    assert graphsvc.load(tiny_copy()).data_version == a


def test_empty_tables_and_explicitly_no_rules(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    """A table with nothing in it is its header row alone; "no rules" is written out."""
    from graphsvc.tools.divisions import complete_seed

    seed = tiny_copy(
        remove=("entities.csv", "relations.csv", "facts.csv", "aliases.csv", "rules.yaml")
    )
    assert sorted(p.name for p in complete_seed(seed)) == [
        "aliases.csv", "entities.csv", "facts.csv", "relations.csv", "rules.yaml"]
    assert (seed / "aliases.csv").read_text(encoding="utf-8") == "entity,alias,source,note\n"
    net = graphsvc.load(seed)
    assert net.graph.number_of_nodes() == 11
    assert net.statuses(2022) == {}
    assert complete_seed(seed) == []  # existing files are kept


def test_excel_bom_is_accepted(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    path = seed / "aliases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert graphsvc.load(seed).resolve("已村") == "990101101202"


def test_fast_pinyin_agrees_with_pypinyin(fangshan: graphsvc.Network) -> None:
    """Our segmenter gives pypinyin's lazy_pinyin for every name of the bundled seed."""
    from pypinyin import lazy_pinyin

    from graphsvc.loader.names import syllables

    names = [n for _, n in fangshan.graph.nodes(data="name")]
    names += ["吕家村", "绿洲社区", "长流水村", "A区2号", "中国石油大学（北京）"]
    for name in names:
        assert syllables(name) == lazy_pinyin(name), name


def test_progress_is_reported_for_streamed_tables(tiny_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import graphsvc.loader.seedio

    monkeypatch.setattr(graphsvc.loader.seedio, "PROGRESS_EVERY", 4)
    seen: list[tuple[str, int]] = []
    graphsvc.load(tiny_copy(), progress=lambda name, n: seen.append((name, n)))
    assert seen == [("divisions.csv", 4), ("divisions.csv", 8), ("divisions.csv", 11),
                    ("relations.csv", 4), ("relations.csv", 8), ("relations.csv", 10),
                    ("facts.csv", 4), ("facts.csv", 8)]
