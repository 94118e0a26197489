"""A seed that brings its own model works like the packaged one: tests/fixtures/own_schema is the
made-up `tiny` fixture renamed (kinds, relations, models, fact types, levels, forms, roles, names:
all in English), with its own schema.yaml. Every query, export and the map's API answer the same
on both once the names are translated, and a few answers are checked outright."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc import queries as q
from graphsvc.api.app import create_app
from graphsvc.api.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# tiny's words -> own_schema's words (whole strings only)
WORDS: dict[str, str] = {
    # kinds
    "district": "county", "township": "parish", "village": "hamlet", "enterprise": "firm",
    "university": "college", "agency": "office", "party_org": "council", "grid": "ward",
    "place": "site", "joint_org": "joint_council",
    # relations
    "part_of": "belongs_to", "member_of": "joins", "partner_of": "twinned_with",
    "guides": "leads", "covers": "watches_over", "within": "inside",
    "party_group_of": "cell_of", "located_in": "sits_in", "develops": "builds",
    # models, fact types, levels, forms, roles
    "area": "parish_circle", "village_village": "hamlet_pact",
    "village_enterprise": "firm_pact", "village_university": "college_pact",
    "grid_model": "ward_groups",
    "indicator": "measure", "honour": "award", "designation": "listed_as",
    "declared_count": "stated_count",
    "党委": "board", "党支部": "branch", "党小组": "cell", "joint": "pooled",
    "functional": "task", "lead": "head", "member": "ordinary",
    # subtypes, keys, units
    "区": "shire", "街道": "borough", "镇": "town", "乡": "rural", "社区居委会": "estate",
    "村委会": "hamlet", "cooperative": "co_op", "scenic_area": "scenic",
    "collective_income": "revenue", "集体经济薄弱村": "struggling", "空壳村": "empty_shell",
    "全国先进基层党组织": "gold_star", "北京市先进基层党组织": "silver_star",
    "members.village": "hamlet_members", "members.enterprise": "members.firm", "yuan": "pounds", "villages": "hamlets",
    # names
    "测试区": "Testshire", "东乡街道": "East Borough", "西镇": "Westtown", "南乡": "South Vale",
    "春晖社区": "Springfield Estate", "甲村": "Ashby", "乙村": "Bexley", "丙村": "Corby",
    "丁村": "Dunham", "戊村": "Eton", "西镇联合党委": "Westtown Hamlet Pact Council",
    "丙村-测试合作社联合党支部": "Corby and Test Co-op Council",
    "东乡片区联合党委": "East Borough Circle Board", "甲村第一网格党小组": "Ashby Ward One Cell",
    "测试合作社": "Test Co-op", "测试大学": "Test College", "甲村第一网格": "Ashby Ward One",
    "测试景区": "Test Park",
    # the models' labels (the map shows them)
    "片区联建": "教区圈", "村村联建": "村约", "村企联建": "企约", "村校联建": "校约", "网格联建": "片组",
}
# the grid model and the grid kind share a name in the packaged schema: fields that hold a model
MODEL_FIELDS = {"model", "models"}
# free text (labels, sentences, readable paths) and what depends on the spelling of names
TEXT = {"text", "detail", "label", "zh", "description", "rule_description", "model_label",
        "model_labels", "role_label", "constraints", "missing", "message", "reason", "matched",
        "data_version", "pinyin", "initials", "register_name", "note", "why", "title"}


# fields whose keys are data (kinds, models, count keys), not field names
KEYED = {"by_model", "by_kind", "counts", "declared_members", "recorded_members",
         "members_by_kind"}


def translate(value: Any, field: str = "") -> Any:
    """tiny's answer in own_schema's words (free text dropped)."""
    if isinstance(value, dict):
        return {(translate(k, "model" if field == "by_model" else "key") if field in KEYED
                 else k): translate(v, k) for k, v in value.items() if k not in TEXT}
    if isinstance(value, list):  # a list of answers: their keys are field names again
        return [translate(v, "" if isinstance(v, dict) else field) for v in value]
    if isinstance(value, str):
        if value == "grid" and field in MODEL_FIELDS:
            return "ward_groups"
        return WORDS.get(value, value)
    return value


def plain(value: Any) -> Any:
    """An answer without its free text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in TEXT}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def as_json(result: Any) -> Any:
    return json.loads(result.model_dump_json()) if hasattr(result, "model_dump_json") else result


@pytest.fixture(scope="module")
def pair() -> tuple[graphsvc.Network, graphsvc.Network]:
    return (graphsvc.load(FIXTURES / "tiny", snapshot=False),
            graphsvc.load(FIXTURES / "own_schema", snapshot=False))


Query = Callable[[graphsvc.Network, Callable[[str], str]], Any]
# each query with arguments in tiny's words; `w` translates them for own_schema
QUERIES: dict[str, Query] = {
    "weak_linked": lambda n, w: q.weak_linked(n, year=2022),
    "weak_linked_2_hops": lambda n, w: q.weak_linked(n, year=2022, max_hops=2),
    "weak_linked_model": lambda n, w: q.weak_linked(n, year=2022, models=[w("village_village")]),
    "weak_linked_township": lambda n, w: q.weak_linked(n, year=2022, township="990101101"),
    "gaps": lambda n, w: q.gaps(n, year=2022),
    "coverage": lambda n, w: q.coverage(n, year=2022),
    "outcomes": lambda n, w: q.outcomes(n),
    "outcomes_model": lambda n, w: q.outcomes(n, model=w("village_enterprise")),
    "metrics": lambda n, w: q.metrics(n),
    "communities": lambda n, w: q.communities(n),
    "communities_cut": lambda n, w: q.communities(n, members_limit=1),
    "community": lambda n, w: q.community(n, 1),
    "paths": lambda n, w: q.paths(n, "990101101202", "990101101201"),
    "paths_relations": lambda n, w: q.paths(n, "990101101202", "990101101201",
                                            relations=[w("member_of")]),
    "neighbors": lambda n, w: q.neighbors(n, "org.west-joint", hops=2),
    "common_neighbors": lambda n, w: q.common_neighbors(n, ["990101101201", "990101101202"]),
    "recommend": lambda n, w: q.recommend(n, "990101101202", year=2022),
    "recommend_district": lambda n, w: q.recommend(n, "990101101202", year=2022,
                                                   scope="district"),
    "tree": lambda n, w: q.tree(n, "990101"),
    "members": lambda n, w: q.members(n, "org.west-joint", year=2022),
    "group_metrics": lambda n, w: q.group_metrics(n, year=2022),
    "search": lambda n, w: q.search(n, "990101101202"),
    "view": lambda n, w: q.view(n, year=2022),
    "view_weak_linked": lambda n, w: q.view(n, year=2022, preset="weak_linked"),
    "view_gaps": lambda n, w: q.view(n, year=2022, preset="gaps"),
    "view_filtered": lambda n, w: q.view(n, year=2022, township="990101101",
                                         kind=[w("village")], relation=[w("member_of")]),
    "view_model": lambda n, w: q.view(n, year=2022, model=w("village_village")),
    "statuses": lambda n, w: {k: v.as_dict() for k, v in sorted(n.statuses(2022).items())},
}


# lists ordered by kind name (so in another order under other names): compared as sets
BY_KIND = {"neighbors": "data"}


def unordered(answer: Any, name: str) -> Any:
    if name in BY_KIND:
        answer[BY_KIND[name]].sort(key=lambda x: json.dumps(x, sort_keys=True))
    return answer


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_answers_as_on_the_packaged_schema(
        pair: tuple[graphsvc.Network, graphsvc.Network], name: str) -> None:
    tiny, own = pair
    before = as_json(QUERIES[name](tiny, lambda x: x))
    after = as_json(QUERIES[name](own, lambda x: WORDS.get(x, x)))
    assert unordered(plain(after), name) == unordered(translate(before), name)


def test_weak_link_through_the_renamed_council(
        pair: tuple[graphsvc.Network, graphsvc.Network]) -> None:
    own = pair[1]
    r = q.weak_linked(own, year=2022)
    assert [(x.weak.name, x.strong.name, [v.name for v in x.via], x.models) for x in r.data] == [
        ("Bexley", "Ashby", ["Westtown Hamlet Pact Council"], ["hamlet_pact"])]
    assert r.data[0].model_labels == ["村约"]
    assert r.data[0].path.text == "Bexley —加入→ Westtown Hamlet Pact Council ←加入(领头)— Ashby"
    # a partnership of a hamlet and a college practises the college pact
    two = q.weak_linked(own, year=2022, models=["college_pact"])
    assert two.total == 0 and two.weak_total == 3


def test_coverage_and_pairing_in_the_seeds_words(
        pair: tuple[graphsvc.Network, graphsvc.Network]) -> None:
    own = pair[1]
    cov = q.coverage(own, year=2022)
    by = {m.model: m for m in cov.by_model}
    assert list(by) == ["parish_circle", "hamlet_pact", "firm_pact", "college_pact",
                        "ward_groups"]
    assert (by["hamlet_pact"].villages, by["hamlet_pact"].label) == (2, "村约")
    assert by["ward_groups"].orgs == 1  # a cell, not a joint council, still counts here
    assert cov.district.villages == 7
    rec = q.recommend(own, "Bexley", year=2022)
    dev = {c.entity.name: next(p for p in c.principles if p.principle == "development")
           for c in rec.data}
    assert dev["Corby"].score == 0.2  # both weak
    gaps = q.gaps(own, year=2022)
    assert any(g.gap == "org_without_enterprise_or_university" and "college or firm" in g.detail
               for g in gaps.data)


def test_exports_use_the_seeds_kinds_and_colours(
        pair: tuple[graphsvc.Network, graphsvc.Network], tmp_path: Path) -> None:
    own = pair[1]
    colours = {k: s.color for k, s in own.schema.kinds.items()}
    for fmt in ("graphml", "gexf", "json", "csv", "neo4j"):
        dest = tmp_path / fmt
        own.export(fmt, dest if fmt in ("csv", "neo4j") else dest.with_suffix("." + fmt))
    data = json.loads((tmp_path / "json.json").read_text(encoding="utf-8"))
    nodes = data["nodes"]
    assert {n["kind"] for n in nodes} == {"county", "parish", "hamlet", "firm", "college",
                                          "council", "ward", "site"}
    assert all(n["color"] == colours[n["kind"]] for n in nodes)
    # the filters take the seed's words
    dest = tmp_path / "west.json"
    own.export("json", dest, township="Westtown", kind="hamlet")
    west = json.loads(dest.read_text(encoding="utf-8"))["nodes"]
    assert sorted(n["name"] for n in west) == ["Ashby", "Bexley", "Corby", "Dunham"]


def test_the_map_api_speaks_the_seeds_words(
        pair: tuple[graphsvc.Network, graphsvc.Network]) -> None:
    own = pair[1]
    with TestClient(create_app(Settings(), own)) as client:
        meta = client.get("/v1/meta").json()
        view = client.get("/v1/view", params={"preset": "weak_linked", "year": 2022}).json()
        town = client.get("/v1/view", params={"township": "Westtown", "kind": "hamlet"}).json()
    legend = {e["name"]: e for e in meta["model"]["legend"]}
    assert legend["hamlet"]["color"] == "#30a030" and legend["hamlet"]["role"] == "village"
    assert legend["joint_council"]["en"] == "joint council"
    assert [m["name"] for m in meta["model"]["models"]] == [
        "parish_circle", "hamlet_pact", "firm_pact", "college_pact", "ward_groups"]
    assert {n["name"]: n["legend"] for n in view["nodes"]} == {
        "Bexley": "hamlet", "Ashby": "hamlet", "Westtown Hamlet Pact Council": "joint_council"}
    assert view["rows"][0]["name"] == "Bexley" and view["rows"][0]["other_name"] == "Ashby"
    assert town["counts"] == {"hamlet": 4}


@pytest.mark.parametrize(("args", "shown"), [
    (["query", "weak-linked", "--year", "2022"],
     "Bexley —加入→ Westtown Hamlet Pact Council ←加入(领头)— Ashby"),
    (["query", "coverage", "--year", "2022"], "hamlet_pact"),
    (["query", "members", "org.west-joint", "--year", "2022"],
     "declared hamlet_members 3, recorded hamlet_members 2"),
    (["query", "recommend", "Bexley", "--year", "2022"], "same township as Bexley (Westtown)"),
    (["query", "tree", "990101"], "Springfield Estate (990101001001)  [joins/ordinary]"),
    (["query", "gaps", "--year", "2022"], "10 gaps"),
    (["validate"], "hamlet 7, council 4, parish 3"),
])
def test_the_command_line_on_a_seed_with_its_own_model(args: list[str], shown: str) -> None:
    """The CLI, as a real process, on the made-up seed with its own schema."""
    seed = FIXTURES / "own_schema"
    cmd = [sys.executable, "-m", "graphsvc", *args]
    cmd += [str(seed)] if args == ["validate"] else ["--seed", str(seed)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert shown in p.stdout, p.stdout
