"""The declared data model: kinds of entity and relation, read from `schema.yaml`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import Problem


class KindSpec(BaseModel):
    """One kind of entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str
    en: str
    code_length: int | None = None
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
                for key, spec in (data.get(section) or {}).items():
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
    return resources.files("graphsvc").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def parse_schema(text: str, file: str) -> tuple[Schema | None, list[Problem]]:
    """Parse a schema document; return it or the problems found."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return None, [
            Problem(file, line, f"not valid YAML: {_yaml_reason(exc)}", "fix the YAML syntax")
        ]
    try:
        return Schema.model_validate(data), []
    except ValidationError as exc:
        return None, [
            Problem(
                file,
                0,
                ": ".join(x for x in (".".join(str(p) for p in e["loc"]), e["msg"]) if x),
                "see graphsvc/schema.yaml for the format",
            )
            for e in exc.errors()
        ]


def load_schema(seed_dir: Path | None = None) -> Schema:
    """The schema of a seed directory (its own `schema.yaml`) or the packaged default."""
    path = seed_dir / SCHEMA_FILE if seed_dir else None
    if path is not None and path.exists():
        schema, problems = parse_schema(path.read_text(encoding="utf-8"), str(path))
    else:
        schema, problems = parse_schema(default_schema_text(), SCHEMA_FILE)
    if schema is None:
        from .errors import InvalidSeed

        raise InvalidSeed(problems)
    return schema


def _yaml_reason(exc: yaml.YAMLError) -> str:
    """A one-line reason for a YAML syntax error."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    return f"{problem} at column {mark.column + 1}" if mark is not None else str(problem)
