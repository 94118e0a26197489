"""The graph around entities: neighbourhoods, paths, common neighbours and name search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from graphsvc import queries as q
from graphsvc.api import listing
from graphsvc.api.cache import MISSING, memo, peek
from graphsvc.api.deps import HopsDep, NetDep, fast_json

router = APIRouter(tags=["graph"])
hot = APIRouter(tags=["graph"])  # neighbours: mounted ahead of the other routes, like the lookup

Relations = Annotated[list[str] | None, Query(
    alias="relation", description="relation kinds to follow (repeat the parameter); default all")]


@hot.get("/entities/{ref}/neighbors", operation_id="neighbors",
         response_model=q.NeighborsResult,
            summary="the ego network of an entity")
async def neighbors(net: NetDep, ref: str, hops: HopsDep,
                    relation: Relations = None) -> Response:
    """Every entity within `hops` steps (edges walked either way), with the edge that reached it.

    A hot path: answered from the per-network cache on the event loop; a first request for an
    entity and options is computed in the thread pool.
    """
    body = peek(net, listing.neighbors_json, ref=ref, hops=hops, relations=relation)
    if body is MISSING:
        body = await run_in_threadpool(memo, net, listing.neighbors_json, ref=ref, hops=hops,
                                       relations=relation)
    return fast_json(net, body)


@router.get("/paths", operation_id="paths",
            response_model=q.PathsResult, summary="shortest paths between two entities")
def paths(
    net: NetDep,
    source: Annotated[str, Query(alias="from", description="code, id or name")],
    target: Annotated[str, Query(alias="to", description="code, id or name")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    relation: Relations = None,
) -> q.PathsResult:
    """Shortest paths, best first, each with a readable path string."""
    return q.paths(net, source, target, limit=limit, relations=relation)


@router.get("/common-neighbors", operation_id="commonNeighbors",
            response_model=q.CommonNeighborsResult,
            summary="entities linked to every one of several entities")
def common_neighbors(
    net: NetDep,
    ref: Annotated[list[str], Query(min_length=2, max_length=20,
                                    description="two or more entities (repeat the parameter)")],
) -> q.CommonNeighborsResult:
    """The entities directly linked to all the given ones, with one link per given entity."""
    return q.common_neighbors(net, ref)


@router.get("/search", operation_id="searchEntities",
            response_model=q.SearchResult, summary="name resolution")
def search(
    net: NetDep,
    q_: Annotated[str, Query(alias="q", min_length=1, max_length=200,
                             description="code, name, alias, pinyin or initials")],
    township: Annotated[str | None, Query(description="township code or name")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> q.SearchResult:
    """Matches by code, name, alias, pinyin and initials, each with its reason and score."""
    return q.search(net, q_, township=township, limit=limit)
