"""Entities: the filtered, paginated list and the one-entity view."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from graphsvc.api import listing
from graphsvc.api.cache import memo
from graphsvc.api.deps import LimitDep, NetDep, fast_json, get_settings
from graphsvc.api.models import EntityDetail, EntityList

router = APIRouter(tags=["entities"])
hot = APIRouter(tags=["entities"])  # the single-entity lookup, mounted ahead of every other route

Year = Annotated[int | None, Query(ge=1900, le=2100, description="year (default: latest)")]


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
    kind: Annotated[str | None, Query(description="kind, e.g. village")] = None,
    township: Annotated[str | None, Query(description="township code or name")] = None,
    model: Annotated[str | None, Query(description="joint-organisation model")] = None,
    status: Annotated[Literal["weak", "strong", "unknown"] | None, Query()] = None,
    year: Year = None,
    q: Annotated[str | None, Query(description="text in id, name, alias or pinyin")] = None,
    cursor: Annotated[str | None, Query(description="the `next` of the previous page")] = None,
) -> EntityList:
    """Entities by id, filtered; follow `next` (or the `Link: rel="next"` header) for more."""
    after = listing.decode_cursor(cursor) if cursor else None
    page, last = listing.list_entities(net, kind=kind, township=township, model=model,
                                       status=status, year=year, q=q, after=after, limit=limit)
    nxt = listing.encode_cursor(last) if last is not None else None
    if nxt is not None:
        response.headers["Link"] = f'<{next_link(request, nxt)}>; rel="next"'
    return EntityList(data=page, count=len(page), next=nxt)


@hot.get("/entities/{ref}", operation_id="getEntity",
         response_model=EntityDetail, summary="one entity",
            responses={409: {"description": "the name matches several entities"}})
async def get_entity(
    net: NetDep, ref: str,
    township: Annotated[str | None, Query(description="township to look the name up in")] = None,
    year: Year = None,
) -> Response:
    """An entity by code, id, name or alias: attributes, facts, status, relations."""
    body = memo(net, listing.entity_json, ref=ref, township=township, year=year)
    return fast_json(net, body)
