"""Health probes (open) and /v1/meta: what is serving and where it comes from."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request

from graphsvc._version import __version__
from graphsvc.api.deps import NetDep, StateDep, is_admin
from graphsvc.api.errors import ApiError
from graphsvc.api.models import (
    DataModelOut,
    HealthOut,
    LastReload,
    LegendEntry,
    MetaOut,
    ModelEntry,
    ReadyOut,
    RelationEntry,
)
from graphsvc.model.schema import Schema
from graphsvc.queries.entities import SourceOut

health = APIRouter(tags=["health"])
router = APIRouter(tags=["meta"])


@health.get("/healthz", operation_id="healthz",
            response_model=HealthOut, summary="the process is alive")
async def healthz() -> HealthOut:
    """Always 200 while the process runs (no auth, no data)."""
    return HealthOut()


@health.get("/readyz", operation_id="readyz",
            response_model=ReadyOut, summary="the data is loaded",
            responses={503: {"description": "data not loaded yet"}})
async def readyz(state: StateDep, request: Request) -> ReadyOut:
    """200 once a network is loaded, its hot indexes built, and serving; 503 before, saying
    what the load or warm-up is doing now (or with the load errors)."""
    net = state.network
    if net is None:
        errors = reader_view((state.last_reload_record() or {}).get("errors", []),
                             state.seed_dir())
        progress = getattr(request.app.state, "progress", None)
        doing = progress.describe() if progress is not None else None
        detail = "the data is not loaded yet" + (f": {doing}" if doing else "")
        extra = {"activity": doing} if doing else {}
        raise ApiError(503, detail, "not-ready", headers={"Retry-After": "2"}, errors=errors,
                       **extra)
    return ReadyOut(data_version=net.data_version)


def reader_view(data: Any, seed_dir: Path | None) -> Any:
    """`data` without absolute server paths: a path in the seed directory is shown from the
    seed's folder name on (`seed/facts.csv`), any other absolute path as its last part."""
    parent = str(seed_dir.parent).rstrip("/") + "/" if seed_dir is not None else None

    def clean(text: str) -> str:
        if parent is not None and parent != "/":
            text = text.replace(parent, "")
        return ABSOLUTE_PATH.sub(lambda m: m.group(2), text)

    if isinstance(data, str):
        return clean(data)
    if isinstance(data, dict):
        return {k: reader_view(v, seed_dir) for k, v in data.items()}
    if isinstance(data, list):
        return [reader_view(v, seed_dir) for v in data]
    return data


def data_model(schema: Schema) -> DataModelOut:
    """The schema as a page needs it: legend entries, models, relations and roles."""
    legend = [LegendEntry(name=k.name, zh=k.zh, en=k.en, color=k.color, role=k.role)
              for k in schema.kinds.values()]
    joint = schema.joint.legend
    if joint is not None:
        at = next((i + 1 for i, k in enumerate(legend) if k.role == "organisation"), len(legend))
        legend.insert(at, LegendEntry(name=joint.name, zh=joint.zh, en=joint.en,
                                      color=joint.color, role="organisation", joint=True))
    return DataModelOut(
        legend=legend,
        models=[ModelEntry(name=m, zh=schema.models[m].zh if m in schema.models else None,
                           en=schema.models[m].en if m in schema.models else None)
                for m in schema.model_names],
        relations=[RelationEntry(name=r.name, zh=r.zh, en=r.en, role=r.role,
                                 directed=r.directed, lead_role=r.lead_role,
                                 plain_role=r.plain_role) for r in schema.relations.values()],
        roles={k.role: k.name for k in reversed(schema.kinds.values()) if k.role},  # 1st wins
        relation_roles={r.role: r.name for r in schema.relations.values() if r.role})


ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(/(?:[^\s/'\"]+/)+)([^\s/'\"]*)")


@router.get("/meta", operation_id="meta",
            response_model=MetaOut, summary="data version, sources, load report")
async def meta(net: NetDep, state: StateDep, request: Request) -> MetaOut:
    """The data version (content hash), load time, sources with licences and the load report
    (and the last reload). Server paths are shown to the admin token only."""
    last = state.last_reload_record()
    report = net.report.as_dict()
    if not is_admin(request):
        report, last = reader_view(report, net.seed_dir), reader_view(last, net.seed_dir)
    return MetaOut(
        data_version=net.data_version,
        loaded_at=datetime.fromtimestamp(net.loaded_at, tz=timezone.utc),
        graphsvc_version=__version__,
        sources=[SourceOut(**s.model_dump()) for s in net.sources.values()],
        model=data_model(net.schema),
        report=report,
        last_reload=LastReload(**last) if last else None,
    )
