"""The declared data model: kinds of entity and relation, read from `schema.yaml`."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graphsvc.errors import Problem
from graphsvc.model.yamlfile import (
    node_line,
    parse_yaml,
    validation_problems,
    yaml_problem,
    yaml_reason,
)


class KindSpec(BaseModel):
    """One kind of entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str
    en: str
    code_length: int | None = Field(default=None, ge=1)
    parent: str | None = None
    subtypes: list[str] = Field(default_factory=list)


class RelationSpec(BaseModel):
    """One kind of relation: which kinds may sit at each end, direction and labels."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    name: str = ""
    zh: str
    en: str
    from_: list[str] = Field(alias="from")
    to: list[str]
    directed: bool = True
    roles: list[str] = Field(default_factory=list)


class CountSpec(BaseModel):
    """How to count, in the graph, what a declared count (a fact) declares."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str
    relation: str
    direction: Literal["in", "out"]
    kind: str


class Schema(BaseModel):
    """Every kind and relation, plus the enums of attributes and facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: dict[str, KindSpec]
    relations: dict[str, RelationSpec]
    enums: dict[str, list[str]] = Field(default_factory=dict)
    labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    counts: dict[str, CountSpec] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for section in ("kinds", "relations", "counts"):
                specs = data.get(section)
                if not isinstance(specs, dict):
                    continue  # a list or a scalar: the field's own validation words it
                for key, spec in specs.items():
                    if isinstance(spec, dict):
                        spec.setdefault("name", key)
        return data

    @model_validator(mode="after")
    def _check(self) -> Schema:
        for rel in self.relations.values():
            for k in [*rel.from_, *rel.to]:
                if k not in self.kinds:
                    raise ValueError(f"relation '{rel.name}' names unknown kind '{k}'")
        for count in self.counts.values():
            if count.relation not in self.relations or count.kind not in self.kinds:
                raise ValueError(f"count '{count.name}' names an unknown relation or kind")
        for kind in self.kinds.values():
            if kind.parent and kind.parent not in self.kinds:
                raise ValueError(f"kind '{kind.name}' has unknown parent kind '{kind.parent}'")
        return self

    def code_kind(self, code: str) -> str | None:
        """The coded kind whose codes have this many digits, if any."""
        for kind in self.kinds.values():
            if kind.code_length == len(code):
                return kind.name
        return None

    def label(self, enum: str, value: str) -> str:
        """The Chinese label of an enum value (the value itself when none is declared)."""
        return self.labels.get(enum, {}).get(value, value)


SCHEMA_FILE = "schema.yaml"


def default_schema_text() -> str:
    """The text of the packaged default schema."""
    return resources.files("graphsvc.model").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def parse_schema(text: str, file: str) -> tuple[Schema | None, list[Problem]]:
    """Parse a schema document; return it or the problems found."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, text, file)]
    try:
        return Schema.model_validate(data), []
    except ValidationError as exc:
        return None, [
            Problem(
                file,
                0,
                ": ".join(x for x in (".".join(str(p) for p in e["loc"]), e["msg"]) if x),
                "see graphsvc/model/schema.yaml for the format",
            )
            for e in exc.errors()
        ]


def parse_schema_file(raw: bytes, file: str) -> tuple[Schema | None, list[Problem]]:
    """Parse a seed's `schema.yaml` (its bytes): the schema, or every problem at its line."""
    data, node, problems = parse_yaml(
        raw, file, "delete the file to use the packaged schema, or copy graphsvc/model/schema.yaml")
    if problems:
        return None, problems
    try:
        return Schema.model_validate(data), []
    except ValidationError as exc:
        found = validation_problems(exc, node, file,
                                    "see graphsvc/model/schema.yaml for the format")
        out = []
        for p in found:
            m = _NAMED.search(p.message)
            if m and p.line <= 1:  # a whole-schema check: point at the entry it names
                section = {"relation": "relations", "count": "counts", "kind": "kinds"}[m[1]]
                p = Problem(p.file, node_line(node, (section, m[2])), p.message, p.hint)
            out.append(p)
        return None, out


_NAMED = re.compile(r"^(relation|count|kind) '([^']*)'")


def load_schema(seed_dir: Path | None = None) -> Schema:
    """The schema of a seed directory (its own `schema.yaml`) or the packaged default."""
    path = seed_dir / SCHEMA_FILE if seed_dir else None
    if path is not None and path.exists():
        schema, problems = parse_schema_file(path.read_bytes(), str(path))
    else:
        schema, problems = parse_schema(default_schema_text(), SCHEMA_FILE)
    if schema is None:
        from graphsvc.errors import InvalidSeed

        raise InvalidSeed(problems)
    return schema


_yaml_reason = yaml_reason  # the name before 0.2
