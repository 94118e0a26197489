"""A corpus of broken seeds: each must fail with exactly the message given, and build nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import graphsvc
from graphsvc import InvalidSeed
from graphsvc.cli.main import main

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
def test_broken_seed(tiny_copy, edits, append, expected, capsys) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy(edits=edits, append=append)
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    got = [str(p) for p in info.value.problems]
    assert len(got) == len(expected), got
    for text, want in zip(got, expected, strict=True):
        assert text.startswith(str(seed) + "/"), text
        assert text[len(str(seed)) + 1 :].startswith(want), (text, want)
    assert main(["validate", "--seed", str(seed)]) == 1
    assert "the seed has" in capsys.readouterr().err


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
        f"{seed}/rules.yaml:7: weak.1: rule 'low_collective_income': a rule on indicator "
        "figures needs 'below' or 'at_least' — see docs/seed-format.md, rules.yaml"
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
        f"{seed}/schema.yaml:4: relation 'knows' names unknown kind 'person' — "
        "see graphsvc/model/schema.yaml for the format"
    )


# -- the files themselves: present, readable, strictly CSV / YAML ---------------------------------
def _sub(name: str, old: str, new: str) -> Callable[[Path], None]:
    def f(seed: Path) -> None:
        p = seed / name
        text = p.read_text(encoding="utf-8")
        assert old in text, (old, name)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")

    return f


def _write(name: str, data: str | bytes) -> Callable[[Path], None]:
    def f(seed: Path) -> None:
        (seed / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    return f


def _bytes(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def f(seed: Path) -> None:
        p = seed / name
        p.write_bytes(change(p.read_bytes()))

    return f


def _remove(name: str) -> Callable[[Path], None]:
    return lambda seed: (seed / name).unlink()


def _replace(name: str, make: Callable[[Path], object]) -> Callable[[Path], None]:
    def f(seed: Path) -> None:
        (seed / name).unlink()
        make(seed / name)

    return f


def _gbk(name: str) -> Callable[[Path], None]:
    return _bytes(name, lambda b: b.decode("utf-8").encode("gbk"))


def _line(name: str, n: int, change: Callable[[str], str]) -> Callable[[Path], None]:
    """Change line n (1-based) of a file."""

    def f(seed: Path) -> None:
        p = seed / name
        lines = p.read_text(encoding="utf-8").split("\n")
        lines[n - 1] = change(lines[n - 1])
        p.write_text("\n".join(lines), encoding="utf-8")

    return f


def _all(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def f(seed: Path) -> None:
        for step in steps:
            step(seed)

    return f


ALL_TABLES = (
    "every seed has all six tables; a table with nothing in it yet is its header row alone "
    "(see docs/seed-format.md)"
)
NO_RULES = (
    "write the rules (see docs/seed-format.md, rules.yaml); if there are none, say so "
    "explicitly with the two lines `weak: []` and `strong: []`"
)
QUOTE = (
    'a cell that starts with a quote must end with one, and a quote inside a quoted cell is '
    'written twice: "say ""hi""". Cells may not hold line breaks'
)
ENT_HEADER = "id,kind,subtype,name,township,level,form,model,tags,source,note"
CONTROL = "remove it: control characters are invisible in most editors (tabs are allowed)"

# (case id, how to break the seed, the expected problems (after "<seed>/"; "[+N caused]" when
# N errors are collapsed under one), in sorted order). Every case also exits 1 from the CLI.
FILE_CASES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("relations-missing", _remove("relations.csv"),
     [f"relations.csv: is missing — {ALL_TABLES}"]),
    ("entities-missing", _remove("entities.csv"),
     [f"entities.csv: is missing — {ALL_TABLES} [+15 caused]"]),
    ("rules-missing", _remove("rules.yaml"), [f"rules.yaml: is missing — {NO_RULES}"]),
    ("relations-is-a-directory", _replace("relations.csv", Path.mkdir),
     ["relations.csv: is a directory, not a file — put the file itself here (a directory "
      "cannot be a seed table)"]),
    ("relations-symlink-loop", _replace("relations.csv", lambda p: p.symlink_to(p.name)),
     ["relations.csv: is a symbolic link loop — replace the link with the file itself"]),
    ("facts-dangling-symlink", _replace("facts.csv", lambda p: p.symlink_to("gone.csv")),
     ["facts.csv: is a symbolic link to gone.csv, which cannot be read (No such file or "
      "directory) — replace the link with the file itself"]),
    ("aliases-is-a-fifo", _replace("aliases.csv", os.mkfifo),
     ["aliases.csv: is not a plain file (a pipe, socket or device) — put the file itself here"]),
    ("rules-empty", _write("rules.yaml", ""),
     [f"rules.yaml:1: is empty (only blanks or comments) — {NO_RULES}"]),
    ("rules-only-comments", _write("rules.yaml", "# rules to come\n\n   \n"),
     [f"rules.yaml:1: is empty (only blanks or comments) — {NO_RULES}"]),
    ("rules-without-strong", _write("rules.yaml", "weak: []\n"),
     [f"rules.yaml:1: has no strong rules — {NO_RULES}"]),
    ("rules-negative-threshold", _sub("rules.yaml", "below: 100000", "below: -100000"),
     ["rules.yaml:11: weak.1.below: Input should be greater than or equal to 0 (got -100000) "
      "— see docs/seed-format.md, rules.yaml"]),
    ("rules-negative-age", _sub("rules.yaml", "    below: 100000\n",
                                "    below: 100000\n    max_age_years: -1\n"),
     ["rules.yaml:12: weak.1.max_age_years: Input should be greater than or equal to 0 "
      "(got -1) — see docs/seed-format.md, rules.yaml"]),
    ("rules-threshold-nan", _sub("rules.yaml", "below: 100000", "below: .nan"),
     ["rules.yaml:11: weak.1.below: Input should be a finite number (got nan) — see "
      "docs/seed-format.md, rules.yaml"]),
    ("rules-threshold-text", _sub("rules.yaml", "below: 100000", "below: '100000'"),
     ["rules.yaml:11: weak.1.below: Input should be a valid number (got '100000') — see "
      "docs/seed-format.md, rules.yaml"]),
    ("rules-unknown-key", _sub("rules.yaml", "    below: 100000\n",
                               "    below: 100000\n    bellow: 5\n"),
     ["rules.yaml:12: weak.1: unknown key 'bellow' — remove it or correct its spelling; see "
      "docs/seed-format.md, rules.yaml"]),
    ("rules-keys-not-a-list", _sub("rules.yaml", "keys: [collective_income]\n    below",
                                   "keys: collective_income\n    below"),
     ["rules.yaml:10: weak.1.keys: Input should be a valid list (got 'collective_income') — "
      "see docs/seed-format.md, rules.yaml"]),
    ("rules-not-utf8", _gbk("rules.yaml"),
     ["rules.yaml:6: is not UTF-8 text — save it as UTF-8 (in a text editor: Save As → UTF-8)"]),
    ("schema-kinds-a-list", _write("schema.yaml", "kinds: [village, township]\nrelations: {}\n"),
     ["schema.yaml:1: kinds: Input should be a valid dictionary (got a list) — see "
      "graphsvc/model/schema.yaml for the format"]),
    ("schema-unknown-key", _write("schema.yaml", "kinds:\n  village: {zh: 村, en: village, "
                                  "colour: red}\nrelations: {}\n"),
     ["schema.yaml:2: kinds.village: unknown key 'colour' — remove it or correct its spelling; "
      "see graphsvc/model/schema.yaml for the format"]),
    ("schema-empty", _write("schema.yaml", "\n"),
     ["schema.yaml:1: is empty (only blanks or comments) — delete the file to use the packaged "
      "schema, or copy graphsvc/model/schema.yaml"]),
    ("schema-negative-code-length", _write("schema.yaml", "kinds:\n  village: {zh: 村, en: "
                                           "village, code_length: -12}\nrelations: {}\n"),
     ["schema.yaml:2: kinds.village.code_length: Input should be greater than or equal to 1 "
      "(got -12) — see graphsvc/model/schema.yaml for the format"]),
    ("quote-never-closed", _line("relations.csv", 9, lambda s: s.replace(",T2,", ',"T2,')),
     [f"relations.csv:9: a quote opened on line 9 is never closed: lines 9–11 (the rest of the "
      f"file) were read as one cell — {QUOTE}"]),
    ("quote-never-closed-on-the-last-line",
     _line("relations.csv", 11, lambda s: s + '"unfinished'),
     [f"relations.csv:11: a quote opened on line 11 is never closed: it runs to the end of the "
      f"file — {QUOTE}"]),
    ("quote-swallows-rows", _all(_line("relations.csv", 3, lambda s: s + '"started'),
                                 _line("relations.csv", 6, lambda s: s + 'ended"')),
     [f"relations.csv:3: field 'note': a quoted cell runs over lines 3–6: a quote opened on "
      f"line 3 swallows 3 line(s) into one cell — {QUOTE}"]),
    ("quote-swallows-rows-then-breaks", _all(_line("relations.csv", 3, lambda s: s + '"started'),
                                             _line("relations.csv", 6, lambda s: s + '"x"')),
     [f"relations.csv:3: a quote opened on line 3 runs on to line 6: lines 3–6 were read as one "
      f"row — {QUOTE}"]),
    ("text-after-closing-quote", _line("aliases.csv", 2, lambda s: s.replace("已村", '"已"村')),
     [f"aliases.csv:2: text follows the closing quote of a cell — {QUOTE}"]),
    ("too-few-cells", _line("facts.csv", 4, lambda s: s.rsplit(",", 2)[0]),
     ["facts.csv:4: has 8 cells but the header has 10 — every row needs a cell for each "
      "column: add the missing commas (empty cells are fine)"]),
    ("cut-off-mid-row", _bytes("relations.csv", lambda b: b[: b.rindex(b"org.west-joint,dev")
                                                        + 18]),
     ["relations.csv:11: the last row has 2 of 8 cells and no line end: the file looks cut off "
      "(saved half-way?) — restore the file from a full copy, or complete the row and end it "
      "with a line break"]),
    ("cut-off-at-a-cell-end", _bytes("facts.csv", lambda b: b[: b.index(b"\n990101101203")]),
     ["facts.csv:4: the last row has no line end: the file may be cut off (saved half-way?) — "
      "if the file is complete, end its last line with a line break; otherwise restore it from "
      "a full copy"]),
    ("rules-cut-off", _bytes("rules.yaml", lambda b: b[: b.index(b"\n  - id: high")]),
     ["rules.yaml:16: has no line end at its end: the file may be cut off (saved half-way?) — "
      "if the file is complete, end its last line with a line break; otherwise restore it "
      "from a full copy"]),
    ("duplicate-header-column", _sub("aliases.csv", "entity,alias,source,note",
                                     "entity,alias,source,alias"),
     ["aliases.csv:1: header has column(s) alias more than once — the columns are: "
      "entity,alias,source,note"]),
    ("nul-in-cell", _sub("entities.csv", "测试合作社,990101101", "测试\x00合作社,990101101"),
     [f"entities.csv:6: field 'name': holds a NUL byte — {CONTROL}"]),
    ("escape-in-cell", _sub("facts.csv", "the third member", "the \x1b[1mthird member"),
     [f"facts.csv:7: field 'note': holds a control character (U+001B) — {CONTROL}"]),
    ("carriage-return-in-cell", _sub("aliases.csv", "a one-character", "a one\rcharacter"),
     ["aliases.csv:2: a carriage return (CR) inside a cell — remove it; save the file with CRLF "
      "or LF line ends"]),
    ("cell-of-5-MB", _sub("relations.csv", "2021,,T2,\n", "2021,,T2," + "x" * 5_000_000 + "\n"),
     ["relations.csv:2: a cell is longer than 131,072 characters — cells hold names, codes "
      "and short notes: shorten it, or check that this is the right file"]),
    ("cell-over-128-KB", _sub("facts.csv", "the third member is not named", "y" * 131_073),
     ["facts.csv:7: a cell is longer than 131,072 characters — cells hold names, codes and "
      "short notes: shorten it, or check that this is the right file"]),
    ("entities-not-utf8", _gbk("entities.csv"),
     ["entities.csv:2: is not UTF-8 text — save it as 'CSV UTF-8' (in Excel: Save As → CSV "
      "UTF-8) [+15 caused]"]),
    ("entities-empty", _write("entities.csv", ""),
     [f"entities.csv:1: is empty — start it with the header row: {ENT_HEADER} [+15 caused]"]),
    ("sources-empty", _write("sources.csv", b""),
     ["sources.csv:1: is empty — start it with the header row: id,title,publisher,date,url,"
      "licence,note [+39 caused]"]),
    ("alias-is-another-name", _write("aliases.csv", "entity,alias,source,note\n"
                                     "990101101201,乙村,T2,\n"),
     ["aliases.csv:2: field 'alias': alias '乙村' of 990101101201 甲村 is the name of "
      "990101101202 乙村 (divisions.csv, code 990101101202) — an alias may not be another "
      "entity's name or alias (that name would become ambiguous): remove the alias, or correct "
      "the entity it belongs to"]),
    ("alias-is-another-alias", _write("aliases.csv", "entity,alias,source,note\n"
                                      "990101101202,已村,T2,\nuni.test,已村,T2,\n"),
     ["aliases.csv:3: field 'alias': alias '已村' of uni.test 测试大学 is already an alias of "
      "990101101202 乙村 (aliases.csv:2) — an alias may not be another entity's name or alias "
      "(that name would become ambiguous): remove the alias, or correct the entity it "
      "belongs to"]),
    ("alias-is-an-entity-name", _write("aliases.csv", "entity,alias,source,note\n"
                                       "990101101203,测试合作社,T2,\n"),
     ["aliases.csv:2: field 'alias': alias '测试合作社' of 990101101203 丙村 is the name of "
      "ent.coop 测试合作社 (entities.csv:6) — an alias may not be another entity's name or alias "
      "(that name would become ambiguous): remove the alias, or correct the entity it belongs "
      "to"]),
]


def _shown(seed: Path, problems: list[graphsvc.Problem]) -> list[str]:
    out = []
    for p in problems:
        text = str(p)
        assert text.startswith(str(seed) + "/"), text
        out.append(text[len(str(seed)) + 1 :] + (f" [+{len(p.caused)} caused]" if p.caused
                                                  else ""))
    return out


@pytest.mark.parametrize(("setup", "expected"), [c[1:] for c in FILE_CASES],
                         ids=[c[0] for c in FILE_CASES])
def test_broken_files(tiny_copy, setup, expected, capsys) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    setup(seed)
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed)
    assert _shown(seed, info.value.problems) == expected
    capsys.readouterr()
    assert main(["validate", "--seed", str(seed), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False and out["exit_code"] == 1
    assert [e["text"] for e in out["errors"]] == [str(p) for p in info.value.problems]
    assert [e.get("caused_count", 0) for e in out["errors"]] == [len(p.caused) for p in
                                                                 info.value.problems]
