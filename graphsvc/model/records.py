"""Validated records: one pydantic model per seed table, checked at the edge."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _blank_to_none(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


Text = Annotated[str, BeforeValidator(_blank_to_none)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptInt = Annotated[int | None, BeforeValidator(_blank_to_none)]
OptFloat = Annotated[float | None, BeforeValidator(_blank_to_none)]

ID_RE = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
CODE_RE = re.compile(r"^[0-9]{6}([0-9]{3}){0,2}$")
DATE_RE = re.compile(r"^[12][0-9]{3}(-[01][0-9](-[0-3][0-9])?)?$")


class Record(BaseModel):
    """Base of every seed record: unknown columns are refused, blanks are None."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Record):
    """A source that facts cite (sources.csv)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
    title: Text
    publisher: OptText = None
    date: OptText = None
    url: OptText = None
    licence: OptText = None
    note: OptText = None


@dataclass
class Division:
    """An official division: district, township- or village-level unit (a row of divisions.csv).

    A plain dataclass: the register has ~665,000 rows nationally. `DivisionRow` validates the
    rows its fast path cannot vouch for.
    """

    code: str
    kind: str
    subtype: str | None = None
    name: str = ""
    register_name: str | None = None
    parent: str | None = None
    source: str = ""


class DivisionRow(Record):
    """The validator of a divisions.csv row (columns, required cells, code pattern)."""

    code: Annotated[str, Field(pattern=CODE_RE.pattern)]
    kind: Text
    subtype: OptText = None
    name: Text
    register_name: OptText = None
    parent: OptText = None
    source: Text

    @classmethod
    def fast_reader(cls, header: list[str]) -> Callable[[list[str]], Division | None]:
        """For a checked header (required columns there, none unknown or twice): a function
        that makes the record of a plainly valid row from its cells, without pydantic's
        per-row cost or a dict per row, and returns None for a row it cannot vouch for. Such
        rows go through full validation, which also words their errors."""
        at = {h: i for i, h in enumerate(header)}
        code, kind, name, source = at["code"], at["kind"], at["name"], at["source"]
        subtype, register, parent = (at.get(c, -1) for c in ("subtype", "register_name",
                                                             "parent"))
        match = CODE_RE.match

        def make(cells: list[str]) -> Division | None:
            c, k, n, s = (cells[code].strip(), cells[kind].strip(), cells[name].strip(),
                          cells[source].strip())
            if not (k and n and s and match(c)):
                return None
            return Division(c, k, cells[subtype].strip() or None if subtype >= 0 else None, n,
                            cells[register].strip() or None if register >= 0 else None,
                            cells[parent].strip() or None if parent >= 0 else None, s)

        return make

    def record(self) -> Division:
        """The plain record of this validated row."""
        return Division(**self.__dict__)


class Entity(Record):
    """Any entity that has no official code (entities.csv)."""

    id: Text
    kind: Text
    subtype: OptText = None
    name: Text
    township: OptText = None
    level: OptText = None
    form: OptText = None
    model: OptText = None
    tags: OptText = None
    source: Text
    note: OptText = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(
                "must be a readable id of lowercase letters, digits, '-', '_' and '.', "
                "starting with a letter, such as 'org.yingshuigou'"
            )
        return v

    @property
    def forms(self) -> list[str]:
        """The forms of a party organisation (the column holds them separated by ';')."""
        return split_list(self.form)


class Alias(Record):
    """Another spelling of an entity's name, as found in a source (aliases.csv)."""

    entity: Text
    alias: Text
    source: Text
    note: OptText = None


class Relation(Record):
    """One relation between two entities (relations.csv)."""

    model_config = ConfigDict(populate_by_name=True)
    from_: Annotated[str, Field(alias="from"), BeforeValidator(_blank_to_none)]
    relation: Text
    to: Text
    role: OptText = None
    since: OptText = None
    until: OptText = None
    source: Text
    note: OptText = None

    @field_validator("since", "until")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None and not DATE_RE.match(v):
            raise ValueError("must be a year or ISO date: 2021, 2021-07 or 2021-07-08")
        return v


class FactRow(Record):
    """A row of facts.csv: indicator, honour, designation or declared count, dated and sourced."""

    entity: Text
    fact: Text
    key: Text
    value: OptFloat = None
    unit: OptText = None
    qualifier: OptText = None
    year: OptInt = None
    model: OptText = None
    source: Text
    note: OptText = None

    @field_validator("year")
    @classmethod
    def _year(cls, v: int | None) -> int | None:
        if v is not None and not 1900 <= v <= 2100:
            raise ValueError("must be a year between 1900 and 2100")
        return v

    @field_validator("qualifier")
    @classmethod
    def _qualifier(cls, v: str | None) -> str | None:
        if v is not None and v not in QUALIFIERS:
            raise ValueError(f"must be one of {', '.join(QUALIFIERS)}")
        return v


QUALIFIERS = ("exact", "about", "more_than", "less_than")


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated, sourced fact about one entity, as kept by a loaded network.

    The validated `FactRow` with its entity resolved to an id; a slotted dataclass because a
    national network keeps hundreds of thousands of them.
    """

    entity: str
    fact: str
    key: str
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: int | None = None
    model: str | None = None
    source: str = ""
    note: str | None = None

    def __reduce__(self) -> tuple[type[Fact], tuple[Any, ...]]:
        # pickled as its constructor's arguments: a frozen slotted dataclass otherwise
        # unpickles through a Python __setstate__ that lists its fields again for every fact
        # (a third of a national warm start went there)
        return (Fact, (self.entity, self.fact, self.key, self.value, self.unit, self.qualifier,
                       self.year, self.model, self.source, self.note))

    @classmethod
    def from_row(
        cls, row: FactRow, entity: str, intern: Callable[[str | None], str | None] = lambda s: s
    ) -> Fact:
        """The stored fact of a validated row, about the resolved entity id.

        `intern` may share one string object per distinct type, key, unit and source.
        """
        d = row.__dict__
        return cls(
            entity,
            intern(d["fact"]) or "",
            intern(d["key"]) or "",
            d["value"],
            intern(d["unit"]),
            intern(d["qualifier"]),
            d["year"],
            intern(d["model"]),
            intern(d["source"]) or "",
            d["note"],
        )


TABLES: dict[str, type[Record]] = {
    "sources.csv": Source,
    "divisions.csv": DivisionRow,
    "entities.csv": Entity,
    "aliases.csv": Alias,
    "relations.csv": Relation,
    "facts.csv": FactRow,
}
"""Every CSV table of a seed directory and the record each row must make."""


def split_list(value: str | None) -> list[str]:
    """Split a ';'-separated cell into its non-empty parts."""
    return [p.strip() for p in (value or "").split(";") if p.strip()]


def columns(model: type[Record]) -> list[str]:
    """The CSV header of a table: its field names (aliases where declared)."""
    return [f.alias or name for name, f in model.model_fields.items()]
