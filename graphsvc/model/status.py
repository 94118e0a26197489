"""Weak / strong status of an entity for a year, computed from its facts by the seed's rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from graphsvc.model.records import Fact
from graphsvc.model.schema import Schema, default_schema

StatusName = Literal["weak", "strong", "unknown"]


class Rule(BaseModel):
    """One rule: a fact of this type (and key) that makes an entity weak or strong."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
    id: str = Field(min_length=1)
    description: str = ""
    fact: str = Field(min_length=1)
    """A fact type of the schema (`facts:` in schema.yaml)."""
    keys: list[str] = Field(min_length=1)
    below: float | None = Field(default=None, ge=0)
    at_least: float | None = Field(default=None, ge=0)
    max_age_years: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Rule:
        ctx = info.context if isinstance(info.context, dict) else {}
        schema = ctx["schema"] if "schema" in ctx else default_schema()
        if not isinstance(schema, Schema):
            return self  # the seed's schema is broken (and reported): nothing to check against
        types = schema.enums.get("fact", [])
        if self.fact not in types:
            raise ValueError(f"rule '{self.id}': unknown fact type '{self.fact}'; use one of: "
                             + ", ".join(t for t in types if t in schema.facts
                                         and schema.facts[t].value != "count"))
        measure = self.fact in schema.measures
        if measure and not self.thresholds:
            raise ValueError(f"rule '{self.id}': a rule on {self.fact} figures needs 'below' "
                             "or 'at_least'")
        if self.thresholds and not measure:
            raise ValueError(f"rule '{self.id}': {self.fact} facts have no figure to compare: drop "
                             "'below' / 'at_least', or use a measured fact type")
        return self

    @property
    def thresholds(self) -> bool:
        """Whether the rule compares a figure (`below` or `at_least`)."""
        return self.below is not None or self.at_least is not None

    def matches(self, fact: Fact, year: int) -> bool:
        """Whether this fact, as of `year`, is evidence under this rule."""
        if fact.fact != self.fact or fact.key not in self.keys or fact.year is None:
            return False
        if fact.year > year:
            return False
        if self.max_age_years is not None and year - fact.year > self.max_age_years:
            return False
        if self.thresholds:
            if fact.value is None:
                return False
            if self.below is not None and not fact.value < self.below:
                return False
            if self.at_least is not None and not fact.value >= self.at_least:
                return False
        return True


class Rules(BaseModel):
    """The status rules of a seed (`rules.yaml`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    description: str = ""
    weak: list[Rule] = Field(default_factory=list)
    strong: list[Rule] = Field(default_factory=list)
    on_tie: Literal["weak", "strong"] = "strong"
    income_key: str | None = Field(default=None, min_length=1)
    """The measured figure of a village's collective economy, which pairing advice compares
    (发展相促); when not given, the one key the threshold rules compare, if they share one."""

    def keys(self) -> set[str]:
        """Every fact key any rule looks at."""
        return {k for r in [*self.weak, *self.strong] for k in r.keys}

    def income(self) -> str | None:
        """The income key: `income_key`, else the single key every threshold rule compares."""
        if self.income_key is not None:
            return self.income_key
        keys = {k for r in [*self.weak, *self.strong] if r.thresholds for k in r.keys}
        return next(iter(keys)) if len(keys) == 1 else None


@dataclass(frozen=True)
class Evidence:
    """Why a status holds: the rule, the fact and its source."""

    side: StatusName
    rule: str
    rule_description: str
    fact: str
    key: str
    value: float | None
    unit: str | None
    year: int | None
    source: str
    note: str | None

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Status:
    """The status of one entity for one year, with all the evidence for it (possibly none)."""

    entity: str
    year: int
    status: StatusName
    evidence: tuple[Evidence, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "entity": self.entity,
            "year": self.year,
            "status": self.status,
            "evidence": [e.as_dict() for e in self.evidence],
        }


def _evidence(
    side: StatusName, rules: list[Rule], facts: Iterable[Fact], year: int
) -> list[Evidence]:
    out = []
    for fact in facts:
        for rule in rules:
            if rule.matches(fact, year):
                out.append(
                    Evidence(
                        side,
                        rule.id,
                        rule.description,
                        fact.fact,
                        fact.key,
                        fact.value,
                        fact.unit,
                        fact.year,
                        fact.source,
                        fact.note,
                    )
                )
    return out


def compute_status(rules: Rules, entity: str, facts: list[Fact], year: int) -> Status:
    """The status of an entity for `year`: the side with the most recent evidence wins.

    A fact counts from its year on (until it is older than the rule's `max_age_years`).
    With evidence on both sides from the same latest year, `rules.on_tie` decides.

    >>> r = Rules(weak=[Rule(id="w", fact="designation", keys=["集体经济薄弱村"])])
    >>> f = Fact(entity="v", fact="designation", key="集体经济薄弱村", year=2021, source="S3")
    >>> compute_status(r, "v", [f], 2023).status
    'weak'
    >>> compute_status(r, "v", [f], 2020).status
    'unknown'
    """
    weak = _evidence("weak", rules.weak, facts, year)
    strong = _evidence("strong", rules.strong, facts, year)
    if not weak and not strong:
        return Status(entity, year, "unknown")
    latest_weak = max((e.year or 0 for e in weak), default=-1)
    latest_strong = max((e.year or 0 for e in strong), default=-1)
    if latest_weak > latest_strong or (latest_weak == latest_strong and rules.on_tie == "weak"):
        side: StatusName = "weak"
    else:
        side = "strong"
    chosen = weak if side == "weak" else strong
    return Status(entity, year, side, tuple(sorted(chosen, key=lambda e: -(e.year or 0))))


class Statuses(Mapping[str, Status]):
    """Every known (weak or strong) status of one year, by entity id.

    `names` holds the status of each entity; a :class:`Status` with its evidence is worked out
    again from the entity's facts when it is asked for (a few microseconds), and kept. Kept in
    a snapshot, this is one dict whose keys and facts the network already holds: the evidence
    of a national year was 529,000 objects for every start to read back, most never asked for.
    """

    def __init__(self, rules: Rules, facts: Mapping[str, list[Fact]], year: int) -> None:
        self.year = year
        self._rules = rules
        self._facts = facts
        self._made: dict[str, Status] = {}
        names: dict[str, StatusName] = {}
        for node, fs in facts.items():
            st = compute_status(rules, node, fs, year)
            if st.status != "unknown":
                names[node] = st.status
                self._made[node] = st
        self.names = names
        """entity id -> "weak" or "strong" (what most questions need)."""

    def get(self, node: str, default: Status | None = None) -> Status | None:  # type: ignore[override]
        """The status of `node` with its evidence, or `default` when it is unknown."""
        st = self._made.get(node)
        if st is None:
            if node not in self.names:
                return default
            # (two first callers may both work it out: equal answers, harmless)
            st = self._made[node] = compute_status(self._rules, node, self._facts[node],
                                                   self.year)
        return st

    def __getitem__(self, node: str) -> Status:
        st = self.get(node)
        if st is None:
            raise KeyError(node)
        return st

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, node: object) -> bool:
        return node in self.names

    def __getstate__(self) -> tuple[Rules, Mapping[str, list[Fact]], int, dict[str, StatusName]]:
        return self._rules, self._facts, self.year, self.names

    def __setstate__(self, state: tuple[Rules, Mapping[str, list[Fact]], int,
                                        dict[str, StatusName]]) -> None:
        self._rules, self._facts, self.year, self.names = state
        self._made = {}
