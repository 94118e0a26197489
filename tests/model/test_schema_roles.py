"""The roles, models, fact types and joint rule of schema.yaml: checked at their lines, and a
schema written before they existed keeps working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import graphsvc
from graphsvc import queries as q
from graphsvc.errors import InvalidSeed
from graphsvc.model.schema import default_schema, default_schema_text


def _problems(seed: Path) -> list[str]:
    with pytest.raises(InvalidSeed) as info:
        graphsvc.load(seed, snapshot=False)
    return [str(p)[len(str(seed)) + 1:] for p in info.value.problems]


def _schema(seed: Path, edit: tuple[str, str]) -> None:
    text = default_schema_text()
    assert edit[0] in text
    (seed / "schema.yaml").write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")


def test_a_role_belongs_to_one_kind(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    _schema(seed, ("    role: partner\n", "    role: village\n"))  # enterprise: a 2nd village
    [problem] = _problems(seed)
    line = default_schema_text().splitlines().index("  enterprise:") + 2  # its first field
    assert problem == (f"schema.yaml:{line}: kind 'enterprise' has role 'village', as 'village' "
                       "has: only one kind may — see graphsvc/model/schema.yaml for the format")


def test_an_unknown_role_is_refused_at_its_line(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    _schema(seed, ("    role: grid\n", "    role: grids\n"))
    [problem] = _problems(seed)
    assert re.match(r"schema\.yaml:\d+: kinds\.grid\.role: Input should be 'district', ", problem)


def test_a_model_names_declared_kinds(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy()
    _schema(seed, ("partners: [village, enterprise]", "partners: [village, company]"))
    [problem] = _problems(seed)
    line = default_schema_text().splitlines().index("  village_enterprise:") + 2
    assert problem.startswith(f"schema.yaml:{line}: model 'village_enterprise' names unknown "
                              "kind 'company'")


def test_rules_use_the_schemas_fact_types(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed = tiny_copy(edits={"rules.yaml": ("    fact: designation\n", "    fact: rating\n")})
    assert _problems(seed) == [
        "rules.yaml:3: weak.0: rule 'designated_weak': unknown fact type 'rating'; use one of: "
        "indicator, honour, designation — see docs/seed-format.md, rules.yaml"]
    seed = tiny_copy(edits={"rules.yaml": (
        "    keys: [全国先进基层党组织, 北京市先进基层党组织]\n",
        "    keys: [全国先进基层党组织, 北京市先进基层党组织]\n    at_least: 1\n")})
    assert _problems(seed) == [
        "rules.yaml:13: strong.0: rule 'honoured': honour facts have no figure to compare: drop "
        "'below' / 'at_least', or use a measured fact type — see docs/seed-format.md, rules.yaml"]


def test_a_schema_from_before_roles_keeps_working(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    """No roles, colours, models, facts or joint rule: the packaged ones are taken for the
    kinds, relations, models and fact types of the same name, and every answer is the same."""
    data = yaml.safe_load(default_schema_text())
    for spec in [*data["kinds"].values(), *data["relations"].values()]:
        for key in ("role", "color", "lead_role", "plain_role"):
            spec.pop(key, None)
    data["enums"]["model"] = list(data.pop("models"))
    data["enums"]["fact"] = list(data.pop("facts"))
    data["labels"]["model"] = {m: default_schema().label("model", m)
                               for m in data["enums"]["model"]}
    del data["joint"]
    seed = tiny_copy()
    (seed / "schema.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    old = graphsvc.load(seed, snapshot=False)
    assert old.schema.kind("village") == "village" and old.schema.lead_role == "lead"
    assert old.schema.partner_model("enterprise", "village") == "village_enterprise"
    assert old.schema.kinds["village"].color == default_schema().kinds["village"].color
    new = graphsvc.load(Path(__file__).parents[1] / "fixtures" / "tiny", snapshot=False)
    for ask in (lambda n: q.weak_linked(n, year=2022), lambda n: q.coverage(n, year=2022),
                lambda n: q.gaps(n, year=2022), lambda n: q.recommend(n, "乙村", year=2022),
                lambda n: q.members(n, "org.west-joint", year=2022)):
        assert ask(old).model_dump() == ask(new).model_dump()
