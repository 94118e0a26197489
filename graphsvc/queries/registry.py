"""Every query declared once: its library function, parameters (type, default, limits, help),
result model, HTTP route and CLI subcommand.

The command line (`graphsvc.cli.query`) builds its subcommands from :data:`REGISTRY`; the HTTP
routes (`graphsvc.api.routes`) take their parameters' limits and help from it
(:func:`graphsvc.api.params.query_param`); and a test (tests/test_parity.py) walks it and checks
that every query is reachable from the three faces with the same names, defaults and limits, and
that a value over a limit is refused by each.

>>> REGISTRY["neighbors"].param("hops").le
3
>>> REGISTRY["paths"].route.operation_id
'paths'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.queries import linked
from graphsvc.queries import structure as struct
from graphsvc.queries.coverage import CoverageResult, OutcomesResult, coverage, outcomes
from graphsvc.queries.entities import STATUSES, EntityDetail, EntityList, entities, entity
from graphsvc.queries.metrics import (
    MAX_MEMBERS_LIMIT,
    MEMBERS_LIMIT,
    CommunitiesResult,
    CommunityResult,
    MetricsResult,
    communities,
    community,
    metrics,
)
from graphsvc.queries.paths import (
    MAX_HOPS,
    CommonNeighborsResult,
    NeighborsResult,
    PathsResult,
    common_neighbors,
    neighbors,
    paths,
)
from graphsvc.queries.recommend import SCOPES, RecommendResult, recommend
from graphsvc.queries.search import SearchResult, search

MAX_PAGE = 1000
"""The largest page of a paged query answer (`limit`)."""
MAX_ENTITY_PAGE = 500
"""The largest page of the entity list (`GRAPHSVC_MAX_PAGE_SIZE`, which may lower it)."""


def split(values: list[str] | None) -> list[str] | None:
    """The values of a repeated parameter, each of which may also be a comma-separated list
    (`--relation a --relation b` = `--relation a,b`; the same over HTTP)."""
    if values is None:
        return None
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


def parse_weights(text: str | None) -> dict[str, float] | None:
    """Principle weights from `name:number,...` (the one syntax of the CLI and the API; the
    older `name=number` of the CLI is still read). Raises InvalidQuery on a bad pair."""
    if text is None or not text.strip():
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        sep = ":" if ":" in part else "="
        name, found, value = part.partition(sep)
        try:
            if not found:
                raise ValueError(part)
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(part)
        except ValueError:
            shown = part if len(part) <= 60 else part[:59] + "…"
            raise InvalidQuery(f"weights: '{shown}' is not name:number (a finite number), as "
                               "in adjacent:2,industry:1") from None
        out[name.strip()] = number
    return out


def old_weights(text: str | None) -> bool:
    """Whether weights are written the deprecated way (`name=number`)."""
    return bool(text) and "=" in str(text)


@dataclass(frozen=True)
class Param:
    """One parameter of a query, as the library, the CLI and the API take it."""

    name: str
    """The library's keyword."""
    type: type
    """int, str or float (the type of each value when repeated)."""
    help: str
    default: Any = None
    """The library's and the CLI's default."""
    http_default: Any = ...
    """The API's default, when it differs (paged answers: 100 rows over HTTP, all in a
    terminal and from Python)."""
    ge: int | None = None
    le: int | None = None
    """The bounds of a number; `le` is the one limit of every face."""
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    repeated: bool = False
    """Several values: repeat the option (`--relation a --relation b`) or the query parameter
    (`relation=a&relation=b`); a value may also be a comma-separated list."""
    positional: bool = False
    """A positional argument of the CLI; over HTTP a path parameter (`{ref}`) or a query one."""
    required: bool = False
    choices: tuple[str, ...] | None = None
    http: str | None = None
    """The name over HTTP when it differs (`from`, `to`, `q`, `model`, `ref`)."""
    flag: str | None = None
    """The CLI's option when it differs from `--name-with-dashes`."""
    metavar: str | None = None
    deprecated_flags: tuple[str, ...] = ()
    """Older CLI spellings, still read with a note on stderr."""
    text: Callable[[str], Any] | None = None
    """How a text value becomes the library's value (weights)."""

    @property
    def http_name(self) -> str:
        """The query or path parameter's name over HTTP."""
        return self.http or self.name

    @property
    def cli_flag(self) -> str:
        """The CLI's option (`--max-hops`), or its METAVAR when positional."""
        if self.positional:
            return self.metavar or self.name.upper()
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def api_default(self) -> Any:
        return self.default if self.http_default is ... else self.http_default

    def check(self, value: Any) -> Any:
        """The value if it is within the limits, else InvalidQuery naming the limit."""
        if value is None:
            return value
        values = value if isinstance(value, list) else [value]
        if self.min_items is not None and len(values) < self.min_items:
            raise InvalidQuery(f"{self.name}: at least {self.min_items} values, not "
                               f"{len(values)}")
        if self.max_items is not None and len(values) > self.max_items:
            raise InvalidQuery(f"{self.name}: at most {self.max_items} values, not "
                               f"{len(values)}")
        for v in values:
            self.check_one(v)
        return value

    def check_one(self, v: Any) -> Any:
        """One value (of several, when repeated) if it is within the limits."""
        if self.ge is not None and isinstance(v, int | float) and v < self.ge:
            raise InvalidQuery(f"{self.name}: at least {self.ge}, not {v}")
        if self.le is not None and isinstance(v, int | float) and v > self.le:
            raise InvalidQuery(f"{self.name}: at most {self.le}, not {v}")
        if self.max_length is not None and isinstance(v, str) and len(v) > self.max_length:
            raise InvalidQuery(f"{self.name}: at most {self.max_length} characters")
        if self.choices is not None and isinstance(v, str) and v not in self.choices:
            raise InvalidQuery(f"{self.name}: '{v}' is not one of {', '.join(self.choices)}")
        return v


@dataclass(frozen=True)
class Route:
    """Where the API answers a query."""

    path: str
    """Under /v1."""
    operation_id: str
    method: str = "GET"


@dataclass(frozen=True)
class Query:
    """One query: the library function and how each face reaches it."""

    name: str
    """The one name: the CLI subcommand, and the API's path where it can be."""
    func: Callable[..., BaseModel]
    result: type[BaseModel]
    summary: str
    params: tuple[Param, ...]
    route: Route
    cli: tuple[str, ...]
    """The CLI's words: ("query", "paths") is `graphsvc query paths`."""
    deprecated_cli: tuple[str, ...] = ()
    """Older names of the CLI subcommand, still read with a note on stderr."""

    def param(self, name: str) -> Param:
        """The parameter called `name` (the library's keyword)."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no parameter {name!r}")


# -- the parameters several queries share ------------------------------------------------
YEAR = Param("year", int, "year of the statuses (default: the latest year with data)",
             ge=1900, le=2100)
TOWNSHIP = Param("township", str, "only this township (code or name)")
LIMIT = Param("limit", int, f"rows per page, 1 to {MAX_PAGE} (default: all; 100 over HTTP)",
              http_default=100, ge=1, le=MAX_PAGE)
OFFSET = Param("offset", int, "rows to skip before the page", default=0, ge=0)
PAGED = (LIMIT, OFFSET)
REF = Param("ref", str, "code, id or name", positional=True, required=True, metavar="REF")
RELATIONS = Param("relations", str, "relation kinds to follow (repeat, or comma-separate); "
                  "default all", repeated=True, http="relation", flag="--relation",
                  metavar="RELATION", deprecated_flags=("--relations",))


def _queries() -> tuple[Query, ...]:
    return (
        Query("weak-linked", linked.weak_linked, linked.WeakLinkedResult,
              "weak villages and the strong entities they are linked to",
              (YEAR,
               Param("models", str, "joint-organisation models to include (repeat, or "
                     "comma-separate); default all", repeated=True, http="model",
                     flag="--model", metavar="MODEL", deprecated_flags=("--models",)),
               Param("max_hops", int, f"links to follow, 1 to {linked.MAX_HOPS}", default=1,
                     ge=1, le=linked.MAX_HOPS),
               TOWNSHIP, *PAGED),
              Route("/queries/weak-linked", "weakLinked"), ("query", "weak-linked")),
        Query("gaps", linked.gaps, linked.GapsResult,
              "weak villages without strong links, unorganised villages, weak orgs",
              (YEAR, TOWNSHIP, *PAGED), Route("/queries/gaps", "gaps"), ("query", "gaps")),
        Query("coverage", coverage, CoverageResult,
              "coverage and completeness by township and by model", (YEAR, *PAGED),
              Route("/coverage", "coverage"), ("query", "coverage")),
        Query("group-metrics", struct.group_metrics, struct.GroupMetricsResult,
              "members by kind and statuses of every joint organisation", (YEAR, *PAGED),
              Route("/queries/group-metrics", "groupMetrics"), ("query", "group-metrics")),
        Query("outcomes", outcomes, OutcomesResult,
              "indicators the sources give, per model, organisation and year",
              (YEAR, Param("model", str, "only this model"), *PAGED),
              Route("/outcomes", "outcomes"), ("query", "outcomes")),
        Query("metrics", metrics, MetricsResult,
              "most connected, bridges and PageRank",
              (Param("top", int, "rows per metric, 1 to 500", default=20, ge=1, le=500),),
              Route("/metrics", "metrics"), ("query", "metrics")),
        Query("communities", communities, CommunitiesResult,
              "Louvain communities compared with the official joint orgs",
              (*PAGED,
               Param("members_limit", int, f"members shown of each community, 0 to "
                     f"{MAX_MEMBERS_LIMIT} (default {MEMBERS_LIMIT}; the hub first; "
                     "`member_count` counts them all)", default=MEMBERS_LIMIT, ge=0,
                     le=MAX_MEMBERS_LIMIT)),
              Route("/communities", "communities"), ("query", "communities")),
        Query("community", community, CommunityResult,
              "one community with all its members, a page at a time",
              (Param("id", int, "the community's number (its `id` in the communities list)",
                     positional=True, required=True, metavar="ID"), *PAGED),
              Route("/communities/{id}", "community"), ("query", "community")),
        Query("recommend", recommend, RecommendResult,
              "candidate partners of a village by the five principles",
              (Param("ref", str, "village code or name", positional=True, required=True,
                     metavar="REF"),
               Param("limit", int, "candidates to list, 1 to 100", default=10, ge=1, le=100),
               Param("weights", str, "principle weights, e.g. adjacent:2,industry:1 (others "
                     "keep 1)", max_length=200, text=parse_weights),
               YEAR,
               Param("scope", str, "township (default) or district", default="township",
                     choices=SCOPES)),
              Route("/entities/{ref}/recommendations", "recommendations"),
              ("query", "recommend")),
        Query("tree", struct.tree, struct.TreeResult, "the organisation tree under an entity",
              (REF, Param("depth", int, f"levels to show, 0 to {struct.MAX_DEPTH} (default: "
                          "all)", ge=0, le=struct.MAX_DEPTH)),
              Route("/entities/{ref}/tree", "tree"), ("query", "tree")),
        Query("members", struct.members, struct.MembersResult,
              "the members of a joint organisation with roles and statuses",
              (Param("ref", str, "id or name of the organisation", positional=True,
                     required=True, metavar="REF"), YEAR),
              Route("/organisations/{ref}/members", "members"), ("query", "members")),
        Query("neighbors", neighbors, NeighborsResult, "the ego network of an entity",
              (REF, Param("hops", int, f"steps from the entity, 1 to {MAX_HOPS}",
                          default=1, ge=1, le=MAX_HOPS), RELATIONS),
              Route("/entities/{ref}/neighbors", "neighbors"), ("query", "neighbors")),
        Query("paths", paths, PathsResult, "shortest paths between two entities",
              (Param("source", str, "code, id or name", positional=True, required=True,
                     http="from", metavar="FROM"),
               Param("target", str, "code, id or name", positional=True, required=True,
                     http="to", metavar="TO"),
               Param("limit", int, "paths to list, 1 to 50", default=5, ge=1, le=50),
               RELATIONS),
              Route("/paths", "paths"), ("query", "paths"), deprecated_cli=("path",)),
        Query("common-neighbors", common_neighbors, CommonNeighborsResult,
              "common neighbours of two or more entities",
              (Param("refs", str, "two to 20 entities: codes, ids or names (over HTTP, repeat "
                     "`ref`)", positional=True, required=True, repeated=True, http="ref",
                     metavar="REF", min_items=2, max_items=20),),
              Route("/common-neighbors", "commonNeighbors"), ("query", "common-neighbors"),
              deprecated_cli=("common",)),
        Query("search", search, SearchResult,
              "find entities by code, name, alias, pinyin or initials",
              (Param("text", str, "what to look for: code, name, alias, pinyin or initials",
                     positional=True, required=True, http="q", metavar="TEXT", max_length=200),
               Param("township", str, "narrow to this township (code or name)"),
               Param("limit", int, "matches to list, 1 to 100", default=10, ge=1, le=100)),
              Route("/search", "searchEntities"), ("query", "search")),
        Query("entities", entities, EntityList,
              "list entities, filtered, a page at a time (follow `next` with --cursor)",
              (Param("kind", str, "kind, e.g. village"),
               Param("township", str, "township code or name"),
               Param("model", str, "joint-organisation model"),
               Param("status", str, "weak, strong or unknown (in --year)",
                     choices=STATUSES),
               YEAR,
               Param("q", str, "text in id, name, alias or pinyin"),
               Param("cursor", str, "the `next` of the previous page"),
               Param("limit", int, f"page size, 1 to {MAX_ENTITY_PAGE} (default 50)",
                     default=50, ge=1, le=MAX_ENTITY_PAGE)),
              Route("/entities", "listEntities"), ("entities",)),
        Query("show", entity, EntityDetail,
              "one entity: attributes, facts with sources, status with evidence, relations",
              (Param("ref", str, "code, id, name or alias", positional=True, required=True,
                     metavar="REF"),
               Param("township", str, "township to look the name up in"), YEAR),
              Route("/entities/{ref}", "getEntity"), ("show",)),
    )


REGISTRY: dict[str, Query] = {q.name: q for q in _queries()}
"""Every query by its name."""


def by_operation(operation_id: str) -> Query:
    """The query the API answers under `operation_id`."""
    for q in REGISTRY.values():
        if q.route.operation_id == operation_id:
            return q
    raise KeyError(operation_id)
