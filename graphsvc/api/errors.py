"""One error envelope for every error: `application/problem+json` (RFC 9457), never a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphsvc.errors import (
    AmbiguousName,
    GraphsvcError,
    InvalidQuery,
    InvalidSeed,
    UnknownCommunity,
    UnknownEntity,
)

log = logging.getLogger("graphsvc.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://graphsvc.invalid/problems/"  # a name, not a page: problem types are ids
MAX_ECHO = 300
"""Longest text of an error body: what a request sent is echoed cut to this, with an ellipsis."""
MAX_SEED_TEXT = 1000
"""Longest text of a seed problem (a cell may be huge); every problem is still listed."""
MAX_LISTED = 20
"""Longest list of an error body about a request (e.g. unknown parameters)."""


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(value: Any, limit: int, max_items: int | None) -> Any:
    """`value` with every string clipped and (if `max_items`) every list cut."""
    if isinstance(value, str):
        return clip(value, limit)
    if isinstance(value, dict):
        return {k: _bounded(v, limit, max_items) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = list(value) if max_items is None else list(value)[:max_items]
        return [_bounded(v, limit, max_items) for v in items]
    return value


class ApiError(Exception):
    """An error a route or dependency raises on purpose; becomes a problem response."""

    def __init__(self, status: int, detail: str, kind: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or _slug(status)
        self.headers = headers or {}
        self.extra = extra


class NotModified(Exception):
    """The client's copy is current (If-None-Match matched the ETag)."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


def _slug(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return "error"


def problem(status: int, detail: str, kind: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response: type, title, status, detail and any extra members."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    seed = kind == "invalid-seed"  # problems of the seed files: every one is listed
    body = _bounded({"type": TYPE_BASE + (kind or _slug(status)), "title": title,
                     "status": status, "detail": detail, **extra},
                    MAX_SEED_TEXT if seed else MAX_ECHO, None if seed else MAX_LISTED)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem(exc.status, exc.detail, exc.kind, exc.headers, **exc.extra)


async def _not_modified(request: Request, exc: Exception) -> JSONResponse:
    from fastapi.responses import Response

    assert isinstance(exc, NotModified)
    return Response(status_code=304, headers={"ETag": exc.etag})  # type: ignore[return-value]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no endpoint at {request.url.path}; see /docs for the list"
    return problem(exc.status_code, detail, headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid"),
               "type": e.get("type", "")} for e in exc.errors()]
    fields = ", ".join(e["field"] for e in errors)
    return problem(422, f"invalid request: {fields}", "validation-error", errors=errors)


async def _unknown_entity(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UnknownEntity)
    return problem(404, str(exc), "unknown-entity", ref=exc.ref,
                   suggestions=[{"id": i, "name": n} for i, n in exc.suggestions])


async def _unknown_community(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UnknownCommunity)
    return problem(404, str(exc), "unknown-community", total=exc.total)


async def _ambiguous(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AmbiguousName)
    return problem(409, str(exc) + "; ask again by id, or with a township", "ambiguous-name",
                   ref=exc.ref, candidates=[{"id": i, "name": n, "township": t}
                                            for i, n, t in exc.candidates])


async def _invalid_query(request: Request, exc: Exception) -> JSONResponse:
    name, sep, _ = str(exc).partition(":")
    where = f"query.{name}" if sep and name.isidentifier() else "query"
    return problem(422, str(exc), "invalid-query",
                   errors=[{"field": where, "message": str(exc), "type": "invalid_query"}])


async def _invalid_seed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidSeed)
    return problem(422, f"seed refused: {len(exc.problems)} error(s)", "invalid-seed",
                   errors=[p.as_dict() for p in exc.problems])


async def _graphsvc_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(400, str(exc), "bad-request")


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal error; it has been logged", "internal-error")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the problem envelope."""
    handlers: list[tuple[type[Exception], Any]] = [
        (ApiError, _api_error),
        (NotModified, _not_modified),
        (StarletteHTTPException, _http_error),
        (RequestValidationError, _validation_error),
        (UnknownEntity, _unknown_entity),
        (UnknownCommunity, _unknown_community),
        (AmbiguousName, _ambiguous),
        (InvalidQuery, _invalid_query),
        (InvalidSeed, _invalid_seed),
        (GraphsvcError, _graphsvc_error),
        (Exception, _server_error),
    ]
    for exc_class, handler in handlers:
        app.add_exception_handler(exc_class, handler)
