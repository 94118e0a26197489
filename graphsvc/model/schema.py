"""The declared data model: kinds of entity and relation, read from `schema.yaml`."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
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

KindRole = Literal["district", "township", "village", "organisation", "partner", "grid", "place"]
"""What a kind is to the queries (at most one kind per role, but any number of partners):

- district, township: the places a village sits in (`township` is what a `township` column
  names; coverage and gaps have one row per township);
- village: the unit statuses, coverage, gaps and pairing advice are about;
- organisation: party organisations (joint ones are the joint-building bodies);
- partner: kinds that join villages in a joint organisation or a partnership and bring
  resources (enterprises, universities);
- grid: grids inside a village; place: projects and places around a village.
"""
UNIQUE_KIND_ROLES: tuple[str, ...] = ("district", "township", "village", "organisation", "grid",
                                      "place")

RelationRole = Literal["part_of", "member", "partner", "guides", "covers", "within", "group_of",
                       "located_in", "develops"]
"""What a relation is to the queries (at most one relation per role): `part_of` links a
register unit to its parent; `member` an entity to the organisation it joins; `partner` two
partners; `guides` a body to an organisation it leads; `covers` a grid or place to a village;
`within` a grid to the grid it is part of; `group_of` a party group to its grid; `located_in`
a place to a village; `develops` an organisation to a place it builds up."""

COLOR = r"^#[0-9a-fA-F]{6}$"


class KindSpec(BaseModel):
    """One kind of entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str
    en: str
    code_length: int | None = Field(default=None, ge=1)
    parent: str | None = None
    subtypes: list[str] = Field(default_factory=list)
    role: KindRole | None = None
    color: str | None = Field(default=None, pattern=COLOR)


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
    role: RelationRole | None = None
    lead_role: str | None = None
    """The value of the `role` column that marks the lead member (龙头)."""
    plain_role: str | None = None
    """The plain value of the `role` column, which paths do not print."""


class ModelSpec(BaseModel):
    """One joint-building model: its labels, and what it means to the queries."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str | None = None
    en: str | None = None
    partners: list[str] = Field(default_factory=list)
    """The kinds at the two ends of a partnership (a `partner`-role relation) that practises
    this model, e.g. [village, enterprise]; empty when partnerships never do."""
    joint: bool = True
    """False for a model whose organisations sit inside one body (party groups of grids): they
    are not joint organisations."""


class FactSpec(BaseModel):
    """One type of fact: what it needs, and what the queries do with it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str | None = None
    en: str | None = None
    value: Literal["number", "count"] | None = None
    """`number`: a figure is required; `count`: a whole number is (a declared count, compared
    with the graph under `counts:`)."""
    year: bool = False
    """Whether a fact of this type needs the year it holds for."""
    measure: bool = False
    """A measured figure: status rules compare it with `below` / `at_least`, and outcomes
    list it."""


class LegendSpec(BaseModel):
    """How the map and exports show one kind of thing that is not a kind (joint organisations)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    zh: str
    en: str
    color: str | None = Field(default=None, pattern=COLOR)


class JointSpec(BaseModel):
    """When an organisation is a joint one: a model other than a `joint: false` one, or `form`
    listing `form`, unless its `level` is `group_level` (a party group)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    form: str | None = None
    group_level: str | None = None
    legend: LegendSpec | None = None


class CountSpec(BaseModel):
    """How to count, in the graph, what a declared count (a fact) declares."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    zh: str
    relation: str
    direction: Literal["in", "out"]
    kind: str


@dataclass(frozen=True)
class _RoleIndex:
    kinds: dict[str, list[str]]  # role -> kinds, in declared order
    relations: dict[str, str]  # role -> relation
    partner_models: dict[frozenset[str], str]  # kinds at the ends of a partnership -> model
    organisation: str | None


class Schema(BaseModel):
    """Every kind and relation, plus the enums of attributes and facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: dict[str, KindSpec]
    relations: dict[str, RelationSpec]
    enums: dict[str, list[str]] = Field(default_factory=dict)
    labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    counts: dict[str, CountSpec] = Field(default_factory=dict)
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    joint: JointSpec = Field(default_factory=JointSpec)

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for section in ("kinds", "relations", "counts", "models", "facts"):
                specs = data.get(section)
                if not isinstance(specs, dict):
                    continue  # a list or a scalar: the field's own validation words it
                for key, spec in specs.items():
                    if isinstance(spec, dict):
                        spec.setdefault("name", key)
                    elif spec is None and section in ("models", "facts"):
                        specs[key] = {"name": key}  # `area:` alone: a model with no extras
            enums = data.get("enums")
            for section, enum in (("models", "model"), ("facts", "fact")):
                specs = data.get(section)
                if isinstance(specs, dict) and (enums is None or isinstance(enums, dict)):
                    # the section declares the enum's values (and the models' labels)
                    enums = data["enums"] = dict(enums or {})
                    enums.setdefault(enum, list(specs))
            models, labels = data.get("models"), data.get("labels")
            if isinstance(models, dict) and (labels is None or isinstance(labels, dict)):
                zh = {k: m["zh"] for k, m in models.items()
                      if isinstance(m, dict) and isinstance(m.get("zh"), str)}
                if zh:
                    labels = data["labels"] = dict(labels or {})
                    labels["model"] = {**zh, **(labels.get("model") or {})}
        return data

    @model_validator(mode="after")
    def _check(self) -> Schema:
        for rel in self.relations.values():
            for k in [*rel.from_, *rel.to]:
                if k not in self.kinds:
                    raise ValueError(f"relation '{rel.name}' names unknown kind '{k}'")
            for r in (rel.lead_role, rel.plain_role):
                if r is not None and r not in rel.roles:
                    raise ValueError(f"relation '{rel.name}' names unknown role '{r}'")
        for count in self.counts.values():
            if count.relation not in self.relations or count.kind not in self.kinds:
                raise ValueError(f"count '{count.name}' names an unknown relation or kind")
        for kind in self.kinds.values():
            if kind.parent and kind.parent not in self.kinds:
                raise ValueError(f"kind '{kind.name}' has unknown parent kind '{kind.parent}'")
        for name, enum in (("model", self.models), ("fact", self.facts)):
            if enum and list(enum) != list(self.enums.get(name, [])):
                raise ValueError(f"enums.{name} lists other values than '{name}s:' declares")
        for model in self.models.values():
            for k in model.partners:
                if k not in self.kinds:
                    raise ValueError(f"model '{model.name}' names unknown kind '{k}'")
        self._roles()
        return self

    def _roles(self) -> _RoleIndex:
        """The roles indexed, refusing a role that two kinds (or relations) claim."""
        kinds: dict[str, list[str]] = {}
        for kind in self.kinds.values():
            if kind.role is not None:
                kinds.setdefault(kind.role, []).append(kind.name)
        for role, names in kinds.items():
            if role in UNIQUE_KIND_ROLES and len(names) > 1:
                raise ValueError(f"kind '{names[1]}' has role '{role}', as '{names[0]}' has: "
                                 "only one kind may")
        relations: dict[str, str] = {}
        for rel in self.relations.values():
            if rel.role is not None:
                if rel.role in relations:
                    raise ValueError(f"relation '{rel.name}' has role '{rel.role}', as "
                                     f"'{relations[rel.role]}' has: only one relation may")
                relations[rel.role] = rel.name
        partner_models = {frozenset(m.partners): m.name for m in self.models.values()
                          if m.partners}
        return _RoleIndex(kinds, relations, partner_models, self.kind_role("organisation"))

    @functools.cached_property
    def roles_index(self) -> _RoleIndex:
        """The roles, indexed once per schema (role lookups run inside loops over the graph)."""
        return self._roles()

    def kind_role(self, role: str) -> str | None:
        """The first kind declared with a role (for building the index)."""
        return next((k.name for k in self.kinds.values() if k.role == role), None)

    def code_kind(self, code: str) -> str | None:
        """The coded kind whose codes have this many digits, if any."""
        for kind in self.kinds.values():
            if kind.code_length == len(code):
                return kind.name
        return None

    def label(self, enum: str, value: str) -> str:
        """The Chinese label of an enum value (the value itself when none is declared)."""
        return self.labels.get(enum, {}).get(value, value)

    # -- roles: what the queries ask instead of comparing names ------------------------------
    def kind(self, role: KindRole) -> str | None:
        """The kind that plays a role (`village`, `township`, ...), or None when none does."""
        names = self.roles_index.kinds.get(role)
        return names[0] if names else None

    def kinds_with(self, role: KindRole) -> frozenset[str]:
        """Every kind that plays a role (`partner` may have several)."""
        return frozenset(self.roles_index.kinds.get(role, ()))

    def relation(self, role: RelationRole) -> str | None:
        """The relation that plays a role (`member`, `part_of`, ...), or None when none does."""
        return self.roles_index.relations.get(role)

    @property
    def model_names(self) -> list[str]:
        """Every joint-building model, in declared order."""
        return list(self.enums.get("model", []))

    def partner_model(self, kind_a: str, kind_b: str) -> str | None:
        """The model a partnership between these two kinds practises, if any."""
        return self.roles_index.partner_models.get(frozenset((kind_a, kind_b)))

    def joint_model(self, model: str | None) -> bool:
        """Whether organisations of this model are joint ones (any unknown model is)."""
        spec = self.models.get(model or "")
        return spec is None or spec.joint

    def is_joint(self, attrs: Mapping[str, Any]) -> bool:
        """Whether a node (its attributes) is a joint organisation: an organisation with a
        joint model, or of the joint form, and not a party group."""
        if attrs.get("kind") != self.roles_index.organisation:
            return False
        if self.joint.group_level is not None and attrs.get("level") == self.joint.group_level:
            return False
        model = attrs.get("model")
        if model:
            return self.joint_model(str(model))
        forms = str(attrs.get("form") or "").split(";")
        return self.joint.form is not None and self.joint.form in forms

    def legend(self, attrs: Mapping[str, Any]) -> str:
        """The legend entry of a node: its kind, or the joint organisations' entry."""
        legend = self.joint.legend
        if legend is not None and self.is_joint(attrs):
            return legend.name
        return str(attrs.get("kind"))

    def fact(self, name: str) -> FactSpec:
        """What a fact type needs and means (a plain type when the schema says nothing)."""
        return self.facts.get(name) or FactSpec(name=name)

    @property
    def measures(self) -> frozenset[str]:
        """The fact types that are measured figures (rules compare them with thresholds)."""
        return frozenset(f.name for f in self.facts.values() if f.measure)

    @property
    def lead_role(self) -> str | None:
        """The role value that marks a lead member (龙头) on the membership relation."""
        member = self.relation("member")
        return self.relations[member].lead_role if member is not None else None

    def member_count(self, kind: str) -> str | None:
        """The declared-count key that counts members of this kind (e.g. `members.village`)."""
        member = self.relation("member")
        for count in self.counts.values():
            if count.relation == member and count.direction == "in" and count.kind == kind:
                return count.name
        return None

    def member_counts(self) -> frozenset[str]:
        """Every declared-count key that counts members of an organisation."""
        member = self.relation("member")
        return frozenset(c.name for c in self.counts.values()
                         if c.relation == member and c.direction == "in")

    def with_defaults(self, default: Schema) -> Schema:
        """This schema with the roles it does not declare taken from `default` for the kinds,
        relations, models and facts of the same name: a seed's schema written before roles
        existed keeps working unchanged (a schema that declares any kind role is taken as is)."""
        update: dict[str, Any] = {}
        if not any(k.role for k in self.kinds.values()):
            update["kinds"] = {n: k.model_copy(update={
                "role": default.kinds[n].role, "color": k.color or default.kinds[n].color})
                if n in default.kinds else k for n, k in self.kinds.items()}
        if not any(r.role for r in self.relations.values()):
            update["relations"] = {n: _default_roles(r, default.relations.get(n))
                                   for n, r in self.relations.items()}
        if not self.models:
            update["models"] = {m: default.models.get(m) or ModelSpec(name=m)
                                for m in self.model_names}
        if not self.facts:
            update["facts"] = {f: default.facts.get(f) or FactSpec(name=f)
                               for f in self.enums.get("fact", [])}
        if "joint" not in self.model_fields_set:
            update["joint"] = default.joint
        if not update:
            return self
        data = self.model_dump(by_alias=True)
        data.update({k: ({n: s.model_dump(by_alias=True) for n, s in v.items()}
                         if isinstance(v, dict) else v.model_dump()) for k, v in update.items()})
        return Schema.model_validate(data)


def _default_roles(rel: RelationSpec, default: RelationSpec | None) -> RelationSpec:
    """A relation with the role (and lead and plain roles, if it has them) of its default."""
    if default is None:
        return rel
    return rel.model_copy(update={
        "role": default.role,
        "lead_role": default.lead_role if default.lead_role in rel.roles else None,
        "plain_role": default.plain_role if default.plain_role in rel.roles else None})


SCHEMA_FILE = "schema.yaml"


def default_schema_text() -> str:
    """The text of the packaged default schema."""
    return resources.files("graphsvc.model").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def default_schema() -> Schema:
    """The packaged default schema, read once."""
    schema, problems = parse_schema(default_schema_text(), SCHEMA_FILE)
    if schema is None:  # the package itself is broken: say where
        raise RuntimeError("; ".join(f"{p.file}:{p.line}: {p.message}" for p in problems))
    return schema


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
        return Schema.model_validate(data).with_defaults(default_schema()), []
    except ValidationError as exc:
        found = validation_problems(exc, node, file,
                                    "see graphsvc/model/schema.yaml for the format")
        out = []
        for p in found:
            m = _NAMED.search(p.message)
            if m and p.line <= max(1, node_line(node, ())):  # a whole-schema check: its entry
                section = {"relation": "relations", "count": "counts", "kind": "kinds",
                           "model": "models"}[m[1]]
                p = Problem(p.file, node_line(node, (section, m[2])), p.message, p.hint)
            out.append(p)
        return None, out


_NAMED = re.compile(r"^(relation|count|kind|model) '([^']*)'")


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
