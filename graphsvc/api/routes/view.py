"""The network map: the page at `/`, its static bundle, and `/v1/view`, the subgraph it draws."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from graphsvc import queries as q
from graphsvc.api.cache import MISSING, memo, peek
from graphsvc.api.deps import NetDep, fast_json
from graphsvc.api.routes.entities import Year
from graphsvc.api.routes.export import Listed
from graphsvc.network import Network
from graphsvc.queries.view import MAX_NODES

router = APIRouter(tags=["map"])

WEB = Path(__file__).resolve().parents[2] / "web"
STATIC = WEB / "static"
PREFIX = "/static/map"


def view_json(net: Network, **options: object) -> bytes:
    """The view as JSON bytes (what the cache keeps)."""
    return to_json(q.view(net, **options).model_dump())  # type: ignore[arg-type]


@router.get("/view", operation_id="view",
            response_model=q.ViewResult, summary="what the network map draws")
async def get_view(
    net: NetDep,
    township: Annotated[str | None, Query(description="township code or name")] = None,
    model: Annotated[str | None, Query(description="joint-organisation model")] = None,
    kind: Listed = None,
    status: Annotated[list[Literal["weak", "strong", "unknown"]] | None, Query(
        description="statuses to keep (repeat the parameter)")] = None,
    relation: Listed = None,
    ego: Annotated[str | None, Query(description="centre of an ego network")] = None,
    hops: Annotated[int | None, Query(ge=0, le=3, description="steps from `ego`")] = None,
    year: Year = None,
    preset: Annotated[Literal["weak_linked", "gaps"] | None, Query(
        description="weak_linked: weak villages and the strong entities they link to; "
                    "gaps: weak villages without a strong link, villages in no organisation")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10 * MAX_NODES,
                                description="most nodes to send")] = MAX_NODES,
) -> Response:
    """The export filters' subgraph with map positions (a fixed layout per data version),
    each node's status for `year`, counts by kind and status, and what a preset highlights.

    Over `limit` nodes it sends none: `truncated` is true and `message` asks to narrow the view.
    """
    options: dict[str, Any] = dict(township=township, model=model, kind=kind, status=status,
                                   relation=relation, ego=ego, hops=hops, year=year,
                                   preset=preset, limit=limit)
    body: bytes = peek(net, view_json, **options)
    if body is MISSING:
        body = await run_in_threadpool(_compute, net, options)
    return fast_json(net, body)


def _compute(net: Network, options: dict[str, Any]) -> bytes:
    return memo(net, view_json, **options)


def install(app: FastAPI) -> None:
    """Serve the page at `/` and its bundle under /static/map (the map's layout is one of the
    warm-up steps, :mod:`graphsvc.api.warm`).

    The page loads nothing but this package's files, with no inline script or style: the
    service's default Content-Security-Policy (`default-src 'self'`) holds for it as it is.
    """
    app.mount(PREFIX, StaticFiles(directory=STATIC), name="map-static")
    index = STATIC / "index.html"

    @app.get("/", include_in_schema=False)
    async def map_page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})
