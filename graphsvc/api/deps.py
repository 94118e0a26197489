"""Typed dependencies of the routes: the live network (with its ETag), auth, strict parameters."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi._compat import is_scalar_field
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import SecretStr
from pydantic_core import to_json
from starlette.types import ASGIApp, Receive, Scope, Send

from graphsvc.api.errors import MAX_LISTED, ApiError, NotModified, clip, problem
from graphsvc.api.params import query_param
from graphsvc.api.settings import Settings
from graphsvc.api.state import NetworkState
from graphsvc.errors import InvalidQuery
from graphsvc.network import Network
from graphsvc.queries.paths import MAX_HOPS
from graphsvc.queries.registry import old_weights, parse_weights

_allowed_params: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def get_state(request: Request) -> NetworkState:
    """The service's network holder."""
    state: NetworkState = request.app.state.graphsvc
    return state


def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    settings: Settings = request.app.state.settings
    return settings


async def current_network(request: Request, response: Response) -> Network:
    """The network serving now, taken once per request; answers 304 when the client is current."""
    if request.query_params:
        await reject_unknown_params(request)
    net = get_state(request).network
    if net is None:
        raise ApiError(503, "the data is still loading (or failed to load: see /readyz)",
                       "not-ready", headers={"Retry-After": "2"})
    etag = f'"{net.data_version}"'
    match = request.headers.get("if-none-match")
    if match is not None and _matches(match, etag):
        raise NotModified(etag)
    response.headers["ETag"] = etag
    return net


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


NetDep = Annotated[Network, Depends(current_network)]


def fast_json(net: Network, data: Any) -> Response:
    """JSON of plain data with the network's ETag, skipping FastAPI's re-validation (hot paths;
    the route keeps its `response_model` for the schema, and tests check the shape)."""
    body = data if isinstance(data, bytes) else to_json(data)
    return Response(body, media_type="application/json",
                    headers={"ETag": f'"{net.data_version}"'})
SettingsDep = Annotated[Settings, Depends(get_settings)]
StateDep = Annotated[NetworkState, Depends(get_state)]


def _check_bearer(request: Request, token: SecretStr, realm: str) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    challenge = {"WWW-Authenticate": f'Bearer realm="{realm}"'}
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "this endpoint needs 'Authorization: Bearer <token>'",
                       "unauthorized", headers=challenge)
    if not hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode()):
        raise ApiError(401, "the bearer token is not valid", "unauthorized",
                       headers={**challenge, "WWW-Authenticate":
                                f'Bearer realm="{realm}", error="invalid_token"'})


async def require_token(request: Request) -> None:
    """With GRAPHSVC_TOKEN set, every /v1 request needs it (or the admin token) as a bearer."""
    settings = get_settings(request)
    if settings.token is None:
        return
    if is_admin(request):
        return
    _check_bearer(request, settings.token, "graphsvc")


def is_admin(request: Request) -> bool:
    """Whether the request carries the admin token (compared in constant time)."""
    admin = get_settings(request).admin_token
    return admin is not None and hmac.compare_digest(
        request.headers.get("authorization", "").encode(),
        f"Bearer {admin.get_secret_value()}".encode())


class TokenMiddleware:
    """Checks the bearer token of every /v1 request before routing (cheaper than a dependency
    on each route, and it also covers /v1 paths that do not exist)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1"):
            request = Request(scope)
            try:
                await require_token(request)
            except ApiError as exc:
                response = problem(exc.status, exc.detail, exc.kind, exc.headers, **exc.extra)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def page_limit(request: Request, limit: Annotated[int | None, Query(
        ge=1, description="page size (default 50, at most GRAPHSVC_MAX_PAGE_SIZE, 500)")] = None,
                     ) -> int:
    """The page size asked for, capped by the settings."""
    settings = get_settings(request)
    if limit is None:
        return min(settings.page_size, settings.max_page_size)
    if limit > settings.max_page_size:
        raise ApiError(422, f"limit: at most {settings.max_page_size}", "validation-error",
                       errors=[{"field": "query.limit", "type": "less_than_equal",
                                "message": f"at most {settings.max_page_size}"}])
    return limit


LimitDep = Annotated[int, Depends(page_limit)]


async def require_admin(request: Request) -> None:
    """The admin endpoints need GRAPHSVC_ADMIN_TOKEN; without it they are switched off."""
    token = get_settings(request).admin_token
    if token is None:
        raise ApiError(403, "admin endpoints are off: set GRAPHSVC_ADMIN_TOKEN to use them "
                       "(SIGHUP and --watch reload without it)", "admin-disabled")
    _check_bearer(request, token, "graphsvc-admin")


def _query_names(dependant: Dependant) -> tuple[set[str], set[str]]:
    """The query parameters a route declares, and those of them that take several values."""
    names = {p.alias for p in dependant.query_params}
    multi = {p.alias for p in dependant.query_params if not is_scalar_field(p)}
    for sub in dependant.dependencies:
        more, more_multi = _query_names(sub)
        names |= more
        multi |= more_multi
    return names, multi


async def reject_unknown_params(request: Request) -> None:
    """Refuse query parameters the endpoint does not declare, rather than ignore them, and a
    single-valued parameter given more than once, rather than take one of the values."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _allowed_params.get(id(route))
    if known is None:
        names, several = _query_names(route.dependant)
        known = frozenset(names), frozenset(several)
        _allowed_params[id(route)] = known
    allowed, multi = known
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        valid = ", ".join(sorted(allowed)) or "none"
        shown = [clip(name, 60) for name in unknown[:MAX_LISTED]]
        more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
        raise ApiError(422, f"unknown query parameter(s): {', '.join(shown)}{more}; "
                       f"this endpoint takes: {valid}", "validation-error",
                       errors=[{"field": f"query.{name}", "type": "unknown_parameter",
                                "message": f"unknown parameter; valid: {valid}"}
                               for name in shown])
    repeated = sorted(name for name in set(request.query_params) - multi
                      if len(request.query_params.getlist(name)) > 1)
    if repeated:
        raise ApiError(422, f"given more than once: {', '.join(repeated)}; each takes one "
                       "value", "validation-error",
                       errors=[{"field": f"query.{name}", "type": "repeated_parameter",
                                "message": "takes one value: give it once"}
                               for name in repeated])


async def hops_param(request: Request, hops: Annotated[int, query_param("neighbors", "hops")] = 1,
                     ) -> int:
    """The `hops` asked for, within the registry's limit and GRAPHSVC_MAX_HOPS (which may
    lower it)."""
    cap = min(get_settings(request).max_hops, MAX_HOPS)
    if hops > cap:
        raise ApiError(422, f"hops: at most {cap}", "validation-error",
                       errors=[{"field": "query.hops", "type": "less_than_equal",
                                "message": f"at most {cap}"}])
    return hops


HopsDep = Annotated[int, Depends(hops_param)]
DEPRECATED_SINCE = "@1795996800"
"""The `Deprecation` header (RFC 9745) of an answer to a deprecated spelling: 2026-11-30."""


async def weights_param(response: Response, weights: Annotated[
        str | None, query_param("recommend", "weights")] = None) -> dict[str, float] | None:
    """Parse `name:number,...` into a dict (the query checks the names); the deprecated
    `name=number` is read too, with a `Deprecation` header on the answer."""
    try:
        parsed = parse_weights(weights)
    except InvalidQuery as exc:
        raise ApiError(422, str(exc), "validation-error",
                       errors=[{"field": "query.weights", "type": "value_error",
                                "message": "give name:number pairs, comma-separated; "
                                "numbers must be finite"}]) from None
    if old_weights(weights):
        response.headers["Deprecation"] = DEPRECATED_SINCE
    return parsed


WeightsDep = Annotated[dict[str, float] | None, Depends(weights_param)]
