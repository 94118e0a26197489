"""A corpus of broken seeds: each must fail with exactly the message given, and build nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphsvc
from graphsvc import InvalidSeed

ENT = "id,kind,subtype,name,township,level,form,model,tags,source,note\n"
REL = "from,relation,to,role,since,until,source,note\n"
# (case id, edits {file: (old, new)}, appended lines {file: text}, expected messages (suffixes
# after "<seed>/"), in sorted order)
CASES: list[tuple[str, dict[str, tuple[str, str]], dict[str, str], list[str]]] = [
    (
        "unknown-reference-with-suggestion",
        {},
        {"relations.csv": "黄村,member_of,org.west-joint,member,,,T2,\n"},
        [
            "relations.csv:12: field 'from': unknown entity '黄村' — did you mean 990101101201 甲村 or "
            "990101201201 甲村 or 990101201202 戊村?"
        ],
    ),
    (
        "ambiguous-name",
        {},
        {"relations.csv": "甲村,member_of,org.bing-coop,member,,,T2,\n"},
        [
            "relations.csv:12: field 'from': name '甲村' matches 2 entities: 990101101201 甲村 (西镇); "
            "990101201201 甲村 (南乡) — write the code or id instead, or TOWNSHIP/NAME such as "
            "大石窝镇/辛庄村"
        ],
    ),
    (
        "wrong-endpoint-kind",
        {},
        {"relations.csv": "990101101201,covers,990101101202,,,,T2,\n"},
        [
            "relations.csv:12: field 'relation': covers cannot go from a village (990101101201) to a "
            "village (990101101202) — covers goes from grid/place to village/township"
        ],
    ),
    (
        "unknown-relation",
        {},
        {"relations.csv": "990101101201,likes,990101101202,,,,T2,\n"},
        [
            "relations.csv:12: field 'relation': unknown relation 'likes' — use one of: part_of, "
            "member_of, partner_of, guides, initiated, organisation_of, covers, within, "
            "party_group_of, located_in, develops or declare it in schema.yaml"
        ],
    ),
    (
        "bad-role",
        {"relations.csv": (",lead,2021", ",boss,2021")},
        {},
        [
            "relations.csv:2: field 'role': unknown role 'boss' for member_of — use one of: lead, member"
        ],
    ),
    (
        "bad-date",
        {"relations.csv": (",lead,2021", ",lead,21")},
        {},
        [
            "relations.csv:2: field 'since': Value error, must be a year or ISO date: 2021, 2021-07 or "
            "2021-07-08 (got '21') — correct the value"
        ],
    ),
    (
        "duplicate-id",
        {},
        {"entities.csv": "org.west-joint,party_org,,重复,,党委,,,,T2,\n"},
        [
            "entities.csv:10: field 'id': duplicate id 'org.west-joint' — give each entity its own id"
        ],
    ),
    (
        "duplicate-code",
        {},
        {"divisions.csv": "990101101204,village,村委会,丁二村,,990101101,T1\n"},
        ["divisions.csv:13: field 'code': duplicate code 990101101204 — each code may appear once"],
    ),
    (
        "code-prefix-disagrees",
        {},
        {"divisions.csv": "990101201299,village,村委会,错村,,990101101,T1\n"},
        [
            "divisions.csv:13: field 'code': code 990101201299 does not start with its parent's code "
            "990101101 — correct the code or the parent"
        ],
    ),
    (
        "unknown-parent",
        {},
        {"divisions.csv": "990101301201,village,村委会,新村,,990101301,T1\n"},
        [
            "divisions.csv:13: field 'parent': unknown township '990101301' — add the township to "
            "divisions.csv, or correct the code"
        ],
    ),
    (
        "code-wrong-length",
        {},
        {"divisions.csv": "9901011012,village,村委会,短村,,990101101,T1\n"},
        [
            "divisions.csv:13: field 'code': String should match pattern '^[0-9]{6}([0-9]{3}){0,2}$' "
            "(got '9901011012') — correct the value"
        ],
    ),
    (
        "code-kind-mismatch",
        {},
        {"divisions.csv": "990101101299,township,镇,错镇,,990101,T1\n"},
        [
            "divisions.csv:13: field 'code': a township code has 9 digits, not 12 — check the code "
            "against the register"
        ],
    ),
    (
        "unknown-source",
        {"facts.csv": ("2020,,T2,", "2020,,T9,")},
        {},
        [
            "facts.csv:2: field 'source': unknown source 'T9' — add it to sources.csv or use one of: T1, T2"
        ],
    ),
    (
        "empty-required",
        {"entities.csv": ("测试大学,,,,,,T2", "测试大学,,,,,,")},
        {},
        ["entities.csv:7: field 'source': is empty but required — fill it in"],
    ),
    (
        "unknown-kind",
        {"entities.csv": ("uni.test,university", "uni.test,school")},
        {},
        [
            "entities.csv:7: field 'kind': unknown kind 'school' — use one of: district, township, "
            "village, enterprise, university, agency, party_org, grid, place or declare it in "
            "schema.yaml"
        ],
    ),
    (
        "coded-kind-in-entities",
        {},
        {"entities.csv": "v.x,village,村委会,某村,,,,,,T2,\n"},
        [
            "entities.csv:10: field 'kind': a village is keyed by its official code — put it in "
            "divisions.csv (`graphsvc import-divisions` writes it)"
        ],
    ),
    (
        "bad-enum",
        {"entities.csv": (",党委,joint,village_village", ",党委,joint,village_villages")},
        {},
        [
            "entities.csv:2: field 'model': unknown model 'village_villages' — use one of: area, "
            "village_village, village_enterprise, village_university, grid"
        ],
    ),
    (
        "bad-id",
        {"entities.csv": ("uni.test,", "Uni Test,")},
        {},
        [
            "entities.csv:7: field 'id': Value error, must be a readable id of lowercase letters, "
            "digits, '-', '_' and '.', starting with a letter, such as 'org.yingshuigou' (got 'Uni "
            "Test') — correct the value",
            "relations.csv:8: field 'from': unknown entity 'uni.test' — add the entity to entities.csv "
            "(or divisions.csv), or correct the reference",
        ],
    ),
    (
        "township-not-township",
        {"entities.csv": ("测试合作社,990101101,", "测试合作社,990101101201,")},
        {},
        [
            "entities.csv:6: field 'township': '990101101201' is a village, not a township — give the "
            "township's code or name"
        ],
    ),
    (
        "indicator-without-number",
        {"facts.csv": ("collective_income,50000,", "collective_income,,")},
        {},
        ["facts.csv:5: field 'value': a indicator needs a number — write the figure, e.g. 161.4"],
    ),
    (
        "fact-without-year",
        {"facts.csv": ("集体经济薄弱村,,,,2021", "集体经济薄弱村,,,,")},
        {},
        [
            "facts.csv:4: field 'year': a designation needs the year it holds for — write the year the "
            "source gives"
        ],
    ),
    (
        "not-a-number",
        {"facts.csv": ("collective_income,50000,", "collective_income,5万,")},
        {},
        [
            "facts.csv:5: field 'value': Input should be a valid number, unable to parse string as a "
            "number (got '5万') — correct the value"
        ],
    ),
    (
        "unknown-column",
        {"aliases.csv": ("entity,alias,source,note", "entity,alias,source,notes")},
        {},
        [
            "aliases.csv:1: header has unknown column(s) notes — the columns are: entity,alias,source,note"
        ],
    ),
    (
        "missing-column",
        {"aliases.csv": ("entity,alias,source,note", "entity,alias,note")},
        {},
        [
            "aliases.csv:1: header has missing column(s) source — the columns "
            "are: entity,alias,source,note"
        ],
    ),
    (
        "too-many-cells",
        {},
        {"aliases.csv": "990101101203,丙,村,T2,x\n"},
        ["aliases.csv:4: has 5 cells but the header has 4 — quote cells that contain commas"],
    ),
    (
        "bad-yaml",
        {"rules.yaml": ("weak:\n", "weak: [\n")},
        {},
        [
            "rules.yaml:3: not valid YAML: expected the node content, but found '-' at column 3 — "
            "fix the YAML syntax"
        ],
    ),
]


@pytest.mark.parametrize(
    ("edits", "append", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_seed(tiny_copy, edits, append, expected) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy(edits=edits, append=append)
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    got = [str(p) for p in info.value.problems]
    assert len(got) == len(expected), got
    for text, want in zip(got, expected, strict=True):
        assert text.startswith(str(seed) + "/"), text
        assert text[len(str(seed)) + 1 :].startswith(want), (text, want)


def test_every_problem_reported_at_once(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy(
        edits={"facts.csv": ("2020,,T2,", "2020,,T9,")},
        append={
            "relations.csv": "黄村,member_of,nowhere,,,,T2,\n",
            "entities.csv": "org.west-joint,party_org,,重复,,党委,,,,T2,\n",
        },
    )
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    fields = sorted((p.file.rsplit("/", 1)[-1], p.line, p.field) for p in info.value.problems)
    assert fields == [
        ("entities.csv", 10, "id"),
        ("facts.csv", 2, "source"),
        ("relations.csv", 12, "from"),
        ("relations.csv", 12, "to"),
    ]


def test_not_utf8(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    (seed / "aliases.csv").write_bytes(
        "entity,alias,source,note\n990101101202,已村,T2,\n".encode("gbk")
    )
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    assert [str(p) for p in info.value.problems] == [
        f"{seed}/aliases.csv:2: is not UTF-8 text — save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)"
    ]


def test_missing_required_file(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy(remove=("sources.csv",))
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    assert str(info.value.problems[0]) == (
        f"{seed}/sources.csv: is missing — every seed needs sources.csv and divisions.csv; "
        "`graphsvc import-divisions` writes both"
    )


def test_bad_rules(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy(edits={"rules.yaml": ("    below: 100000\n", "")})
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    assert str(info.value.problems[0]) == (
        f"{seed}/rules.yaml: weak.1: Value error, rule 'low_collective_income': an indicator rule "
        "needs 'below' or 'at_least' — see docs/seed-format.md, rules.yaml"
    )


def test_bad_schema(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    (seed / "schema.yaml").write_text(
        "kinds:\n  village: {zh: 村, en: village}\nrelations:\n"
        "  knows: {zh: 认识, en: knows, from: [village], to: [person]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    assert str(info.value.problems[0]) == (
        f"{seed}/schema.yaml: Value error, relation 'knows' names unknown kind 'person' — "
        "see graphsvc/schema.yaml for the format"
    )
