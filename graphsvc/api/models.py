"""Response models of the HTTP API (separate from the library's records)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graphsvc.queries.entities import SourceOut


class Out(BaseModel):
    """Base of every response model."""

    model_config = ConfigDict(extra="forbid")


class FieldError(Out):
    """One invalid input: where and what."""

    field: str
    message: str
    type: str = ""


class ProblemOut(BaseModel):
    """The error envelope (`application/problem+json`, RFC 9457) of every error response."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://graphsvc.invalid/problems/unknown-entity", "title": "Not Found",
        "status": 404, "detail": "unknown entity '黄山店' (did you mean 110111009212 黄山店村?)",
        "ref": "黄山店", "suggestions": [{"id": "110111009212", "name": "黄山店村"}]}]})
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


class HealthOut(Out):
    """The process is alive."""

    status: Literal["ok"] = "ok"


class ReadyOut(Out):
    """The data is loaded and serving."""

    status: Literal["ready"] = "ready"
    data_version: str


class LastReload(Out):
    """The last reload attempt (API, SIGHUP, --watch), whatever its outcome."""

    ok: bool
    outcome: Literal["ok", "refused", "invalid", "error"] = Field(
        description="ok: serving the new data; refused: it would drop too much (see "
        "`would_lose`); invalid: the seed has errors; error: an internal error")
    trigger: str = Field(description="api, sighup, watch or startup")
    at: datetime
    seconds: float
    message: str
    data_version: str | None = Field(None, description="serving after the attempt")
    previous_version: str | None = Field(None, description="serving before it")
    candidate_version: str | None = Field(None, description="the seed's version, if it loaded")
    forced: bool = False
    problem_count: int = 0
    errors: list[dict[str, Any]] = Field(default_factory=list,
                                         description="the first 20 problems")
    would_lose: dict[str, dict[str, float]] = Field(default_factory=dict)


class LegendEntry(Out):
    """One entry of the map's legend: a kind (or the joint organisations), labels and colour."""

    name: str
    zh: str
    en: str
    color: str | None = None
    role: str | None = Field(default=None, description="what the kind is to the queries "
                             "(village, township, organisation, partner, ...), if anything")
    joint: bool = Field(default=False, description="the joint organisations' entry: "
                        "organisations of the `organisation` kind that are joint bodies")


class ModelEntry(Out):
    """One joint-building model: its name and labels."""

    name: str
    zh: str | None = None
    en: str | None = None


class RelationEntry(Out):
    """One kind of relation: its name, labels and role."""

    name: str
    zh: str
    en: str
    role: str | None = None
    directed: bool = True
    lead_role: str | None = Field(default=None, description="the `role` value of a lead member")
    plain_role: str | None = Field(default=None, description="the plain `role` value (not shown)")


class DataModelOut(Out):
    """The data model the seed is read with (its own schema.yaml or the packaged one): what a
    page needs to draw and label it without knowing any kind by name."""

    legend: list[LegendEntry]
    models: list[ModelEntry]
    relations: list[RelationEntry]
    roles: dict[str, str] = Field(description="role -> the kind that plays it")
    relation_roles: dict[str, str] = Field(description="role -> the relation that plays it")


class MetaOut(Out):
    """What is serving: data version, load time, sources with licences, the load report, and
    the data model (kinds with labels, colours and roles; models; relations)."""

    data_version: str
    loaded_at: datetime
    graphsvc_version: str
    sources: list[SourceOut]
    model: DataModelOut
    report: dict[str, Any]
    last_reload: LastReload | None = None


class ReloadOut(Out):
    """The outcome of `POST /v1/admin/reload` when the new seed loaded."""

    ok: bool
    outcome: Literal["ok"] = "ok"
    changed: bool
    data_version: str | None
    previous_version: str | None
    trigger: str
    seconds: float
    forced: bool = False
    would_lose: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="what a forced reload dropped beyond the limit")
    message: str
    warnings: list[dict[str, Any]]


class CacheIndex(Out):
    """An index kept for the whole life of a network (never evicted)."""

    name: str
    build_seconds: float


class CacheQuestion(Out):
    """The cached answers to one question (all its options and pages together)."""

    question: str
    entries: int
    bytes: int = Field(description="exact for HTTP bodies, estimated for Python objects")
    hits: int


class CacheOut(Out):
    """What the serving network's cache holds (`GET /v1/admin/cache`)."""

    data_version: str
    max_entries: int = Field(description="answers kept at most (GRAPHSVC_CACHE_MAX_ENTRIES)")
    max_bytes: int = Field(description="bytes of answers kept at most (GRAPHSVC_CACHE_MAX_MB)")
    entries: int
    bytes: int
    hits: int
    misses: int
    evicted: int = Field(description="answers dropped to stay within the limits")
    indexes: list[CacheIndex]
    answers: list[CacheQuestion]
