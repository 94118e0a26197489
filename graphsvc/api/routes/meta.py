"""Health probes (open) and /v1/meta: what is serving and where it comes from."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter

from ... import __version__
from ..deps import NetDep, StateDep
from ..errors import ApiError
from ..models import HealthOut, LastReload, MetaOut, ReadyOut, SourceOut

health = APIRouter(tags=["health"])
router = APIRouter(tags=["meta"])


@health.get("/healthz", response_model=HealthOut, summary="the process is alive")
async def healthz() -> HealthOut:
    """Always 200 while the process runs (no auth, no data)."""
    return HealthOut()


@health.get("/readyz", response_model=ReadyOut, summary="the data is loaded",
            responses={503: {"description": "data not loaded yet"}})
async def readyz(state: StateDep) -> ReadyOut:
    """200 once a network is loaded and serving; 503 (with the load errors) before."""
    net = state.network
    if net is None:
        errors = (state.last_reload_record() or {}).get("errors", [])
        raise ApiError(503, "the data is not loaded yet", "not-ready",
                       headers={"Retry-After": "2"}, errors=errors)
    return ReadyOut(data_version=net.data_version)


@router.get("/meta", response_model=MetaOut, summary="data version, sources, load report")
async def meta(net: NetDep, state: StateDep) -> MetaOut:
    """The data version (content hash), load time, sources with licences and the load report."""
    last = state.last_reload_record()
    return MetaOut(
        data_version=net.data_version,
        loaded_at=datetime.fromtimestamp(net.loaded_at, tz=timezone.utc),
        graphsvc_version=__version__,
        sources=[SourceOut(**s.model_dump()) for s in net.sources.values()],
        report=net.report.as_dict(),
        last_reload=LastReload(**last) if last else None,
    )
