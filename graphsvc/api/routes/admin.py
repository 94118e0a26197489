"""Admin (admin token): reload the seed without downtime; what the network's cache holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from graphsvc.api.deps import NetDep, StateDep, reject_unknown_params, require_admin
from graphsvc.api.errors import ApiError
from graphsvc.api.models import CacheOut, ReloadOut

router = APIRouter(tags=["admin"],
                   dependencies=[Depends(require_admin), Depends(reject_unknown_params)])


@router.post("/admin/reload", operation_id="reload",
             response_model=ReloadOut, summary="reload the seed",
             responses={403: {"description": "admin endpoints are off"},
                        409: {"description": "refused: the new seed would drop more than "
                              "GRAPHSVC_RELOAD_MAX_DROP of the nodes, edges or facts serving "
                              "(`would_lose`); the old data keeps serving"},
                        422: {"description": "the seed has errors (every one in `errors`); "
                              "the old data keeps serving"},
                        500: {"description": "internal error (logged); the old data keeps "
                              "serving"}})
async def reload(state: StateDep, force: Annotated[bool, Query(
        description="reload even if it drops more than the allowed share")] = False,
                 ) -> ReloadOut:
    """Load the seed aside and swap it in. A seed with errors (422) or one that would drop too
    much of the data serving (409, unless `force=true`) is refused; the old data keeps serving.
    """
    r = await run_in_threadpool(state.reload, "api", force)
    common: dict[str, Any] = {"outcome": r.outcome, "data_version": r.data_version,
              "candidate_version": r.candidate_version}
    if r.outcome == "invalid":
        raise ApiError(422, r.message, "invalid-seed", **common,
                       errors=[p.as_dict() for p in r.errors])
    if r.outcome == "refused":
        raise ApiError(409, r.message, "reload-refused", **common, would_lose=r.would_lose)
    if r.outcome == "error":
        raise ApiError(500, r.message, "reload-failed", **common)
    return ReloadOut(ok=r.ok, changed=r.changed, data_version=r.data_version,
                     previous_version=r.previous_version, trigger=r.trigger,
                     seconds=round(r.seconds, 3), forced=r.forced, would_lose=r.would_lose,
                     message=r.message, warnings=[w.as_dict() for w in r.warnings])


@router.get("/admin/cache", operation_id="adminCache", response_model=CacheOut,
            summary="what the cache holds",
            responses={403: {"description": "admin endpoints are off"}})
def cache(net: NetDep) -> CacheOut:
    """The serving network's cache: its limits, hits and misses, every index (built once per
    data version, never evicted) and the cached answers by question. A reload starts afresh."""
    return CacheOut(data_version=net.data_version, **net.cache.listing())
