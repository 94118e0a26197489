"""Entities: the filtered, paginated list and the one-entity view."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from graphsvc.api.cache import memo
from graphsvc.api.deps import LimitDep, NetDep, fast_json, get_settings
from graphsvc.api.params import query_param as P
from graphsvc.queries.entities import EntityDetail, EntityList, entities, entity_json

router = APIRouter(tags=["entities"])
hot = APIRouter(tags=["entities"])  # the single-entity lookup, mounted ahead of every other route

Year = Annotated[int | None, P("entities", "year")]


def next_link(request: Request, cursor: str) -> str:
    """The next page: a relative link, or one under GRAPHSVC_BASE_URL (never the request's
    Host, which a client chooses)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    base = (get_settings(request).base_url or "").rstrip("/")
    return f"{base}{request.url.path}?{urlencode([*query, ('cursor', cursor)])}"


@router.get("/entities", operation_id="listEntities",
            response_model=EntityList, summary="list entities")
def list_entities(
    net: NetDep, request: Request, response: Response, limit: LimitDep,
    kind: Annotated[str | None, P("entities", "kind")] = None,
    township: Annotated[str | None, P("entities", "township")] = None,
    model: Annotated[str | None, P("entities", "model")] = None,
    status: Annotated[Literal["weak", "strong", "unknown"] | None, P("entities", "status")] = None,
    year: Year = None,
    q: Annotated[str | None, P("entities", "q")] = None,
    cursor: Annotated[str | None, P("entities", "cursor")] = None,
) -> EntityList:
    """Entities by id, filtered; follow `next` (or the `Link: rel="next"` header) for more."""
    page = entities(net, kind=kind, township=township, model=model, status=status, year=year,
                    q=q, cursor=cursor, limit=limit)
    if page.next is not None:
        response.headers["Link"] = f'<{next_link(request, page.next)}>; rel="next"'
    return page


@hot.get("/entities/{ref}", operation_id="getEntity",
         response_model=EntityDetail, summary="one entity",
            responses={409: {"description": "the name matches several entities"}})
async def get_entity(
    net: NetDep, ref: str,
    township: Annotated[str | None, P("show", "township")] = None,
    year: Annotated[int | None, P("show", "year")] = None,
) -> Response:
    """An entity by code, id, name or alias: attributes, facts, status, relations."""
    body = memo(net, entity_json, ref=ref, township=township, year=year)
    return fast_json(net, body)
