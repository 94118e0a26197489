"""The graph around entities: neighbourhoods, paths, common neighbours and name search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from graphsvc import queries as q
from graphsvc.api.cache import MISSING, memo, peek
from graphsvc.api.deps import HopsDep, NetDep, fast_json
from graphsvc.api.params import query_param as P
from graphsvc.queries.entities import neighbors_json
from graphsvc.queries.registry import split

router = APIRouter(tags=["graph"])
hot = APIRouter(tags=["graph"])  # neighbours: mounted ahead of the other routes, like the lookup

Relations = Annotated[list[str] | None, P("neighbors", "relations")]


@hot.get("/entities/{ref}/neighbors", operation_id="neighbors",
         response_model=q.NeighborsResult,
            summary="the ego network of an entity")
async def neighbors(net: NetDep, ref: str, hops: HopsDep,
                    relation: Relations = None) -> Response:
    """Every entity within `hops` steps (edges walked either way), with the edge that reached it.

    A hot path: answered from the per-network cache on the event loop; a first request for an
    entity and options is computed in the thread pool.
    """
    relations = split(relation)
    body = peek(net, neighbors_json, ref=ref, hops=hops, relations=relations)
    if body is MISSING:
        body = await run_in_threadpool(memo, net, neighbors_json, ref=ref, hops=hops,
                                       relations=relations)
    return fast_json(net, body)


@router.get("/paths", operation_id="paths",
            response_model=q.PathsResult, summary="shortest paths between two entities")
def paths(
    net: NetDep,
    source: Annotated[str, P("paths", "source")],
    target: Annotated[str, P("paths", "target")],
    limit: Annotated[int, P("paths", "limit")] = 5,
    relation: Relations = None,
) -> q.PathsResult:
    """Shortest paths, best first, each with a readable path string."""
    return q.paths(net, source, target, limit=limit, relations=split(relation))


@router.get("/common-neighbors", operation_id="commonNeighbors",
            response_model=q.CommonNeighborsResult,
            summary="entities linked to every one of several entities")
def common_neighbors(
    net: NetDep,
    ref: Annotated[list[str], P("common-neighbors", "refs")],
) -> q.CommonNeighborsResult:
    """The entities directly linked to all the given ones, with one link per given entity."""
    return q.common_neighbors(net, ref)


@router.get("/search", operation_id="searchEntities",
            response_model=q.SearchResult, summary="name resolution")
def search(
    net: NetDep,
    q_: Annotated[str, P("search", "text")],
    township: Annotated[str | None, P("search", "township")] = None,
    limit: Annotated[int, P("search", "limit")] = 10,
) -> q.SearchResult:
    """Matches by code, name, alias, pinyin and initials, each with its reason and score."""
    return q.search(net, q_, township=township, limit=limit)
