"""Exports of the whole graph or a filtered subgraph, streamed as downloads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from graphsvc.api.deps import NetDep
from graphsvc.api.download import chunks, render
from graphsvc.api.routes.entities import Year
from graphsvc.queries.registry import split

router = APIRouter(tags=["export"])

Listed = Annotated[list[str] | None, Query(
    description="repeat the parameter (or comma-separate) for several")]


@router.get("/export/graph.{fmt}", operation_id="exportGraph",
            summary="download the graph",
            response_class=StreamingResponse,
            responses={200: {"description": "the file", "content": {
                "application/graphml+xml": {}, "application/gexf+xml": {},
                "application/json": {}, "application/zip": {}}}})
async def export_graph(
    net: NetDep, fmt: Literal["graphml", "gexf", "json", "csv"],
    township: Annotated[str | None, Query(description="township code or name")] = None,
    model: Annotated[str | None, Query(description="joint-organisation model")] = None,
    kind: Listed = None, relation: Listed = None,
    ego: Annotated[str | None, Query(description="centre of an ego network")] = None,
    hops: Annotated[int | None, Query(ge=0, le=4, description="steps from `ego`")] = None,
    year: Year = None,
    color_by: Literal["kind", "status"] = "kind",
) -> StreamingResponse:
    """GraphML, GEXF 1.3, node-link JSON, or a zip of nodes.csv + edges.csv; filters intersect."""
    filters = {k: v for k, v in dict(township=township, model=model, kind=split(kind),
                                     relation=split(relation),
                                     ego=ego, hops=hops, year=year).items() if v is not None}
    d = await run_in_threadpool(render, net, fmt, color_by=color_by, **filters)
    return StreamingResponse(chunks(d.body), media_type=d.media_type, headers={
        "ETag": f'"{net.data_version}"',
        "Content-Disposition": f'attachment; filename="{d.filename}"'})
