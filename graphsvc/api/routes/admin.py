"""Admin: reload the seed without downtime (admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from ..deps import StateDep, reject_unknown_params, require_admin
from ..errors import ApiError
from ..models import ReloadOut

router = APIRouter(tags=["admin"],
                   dependencies=[Depends(require_admin), Depends(reject_unknown_params)])


@router.post("/admin/reload", response_model=ReloadOut, summary="reload the seed",
             responses={403: {"description": "admin endpoints are off"},
                        422: {"description": "the seed has errors; the old data keeps serving"}})
async def reload(state: StateDep) -> ReloadOut:
    """Load the seed aside and swap it in; a seed with errors is refused and listed."""
    r = await run_in_threadpool(state.reload, "api")
    if not r.ok:
        raise ApiError(422, r.message, "invalid-seed", data_version=r.data_version,
                       errors=[p.as_dict() for p in r.errors])
    return ReloadOut(ok=r.ok, changed=r.changed, data_version=r.data_version,
                     previous_version=r.previous_version, trigger=r.trigger,
                     seconds=round(r.seconds, 3), message=r.message,
                     warnings=[w.as_dict() for w in r.warnings])
