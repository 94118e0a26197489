"""Weak / strong status of an entity for a year, computed from its facts by the seed's rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphsvc.model.records import Fact

StatusName = Literal["weak", "strong", "unknown"]


class Rule(BaseModel):
    """One rule: a fact of this type (and key) that makes an entity weak or strong."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
    id: str = Field(min_length=1)
    description: str = ""
    fact: Literal["indicator", "honour", "designation"]
    keys: list[str] = Field(min_length=1)
    below: float | None = Field(default=None, ge=0)
    at_least: float | None = Field(default=None, ge=0)
    max_age_years: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if self.fact == "indicator" and self.below is None and self.at_least is None:
            raise ValueError(f"rule '{self.id}': an indicator rule needs 'below' or 'at_least'")
        return self

    def matches(self, fact: Fact, year: int) -> bool:
        """Whether this fact, as of `year`, is evidence under this rule."""
        if fact.fact != self.fact or fact.key not in self.keys or fact.year is None:
            return False
        if fact.year > year:
            return False
        if self.max_age_years is not None and year - fact.year > self.max_age_years:
            return False
        if self.fact == "indicator":
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

    def keys(self) -> set[str]:
        """Every fact key any rule looks at."""
        return {k for r in [*self.weak, *self.strong] for k in r.keys}


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
