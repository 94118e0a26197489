"""The app factory: `create_app(settings)` gives the FastAPI app over one live network."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..network import Network
from . import docs, errors, examples
from .deps import TokenMiddleware, reject_unknown_params
from .errors import PROBLEM
from .models import ProblemOut
from .routes import admin, entities, export, graph, meta, queries, view
from .settings import Settings
from .state import NetworkState, SeedWatcher

log = logging.getLogger("graphsvc.api")

DESCRIPTION = """The organisational networks of rural governance (Fangshan's joint organisations)
as a graph: entities, their facts and statuses, neighbourhoods, paths and the analyst's queries.

Every error is `application/problem+json`. Every data response carries `ETag` (the data version);
send it back in `If-None-Match` to get `304 Not Modified`. With `GRAPHSVC_TOKEN` set, `/v1` needs
`Authorization: Bearer <token>`."""


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "model": ProblemOut,
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}}


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "not modified: If-None-Match matched the ETag"},
    401: _problem("missing or wrong bearer token"),
    404: _problem("unknown entity, with close matches in `suggestions`"),
    409: _problem("ambiguous name, with every match in `candidates`"),
    422: _problem("invalid or unknown parameter, listed in `errors`"),
    503: _problem("data not loaded yet"),
}


def create_app(settings: Settings | None = None, network: Network | None = None) -> FastAPI:
    """The HTTP app serving `network` (or the seed of `settings`, loaded in the background)."""
    settings = settings or Settings()
    app = FastAPI(title="graphsvc", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.graphsvc = NetworkState(settings.seed, network)
    errors.install(app)
    app.add_middleware(TokenMiddleware)  # added first: CORS wraps it, so preflights pass
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "If-None-Match"],
                           expose_headers=["ETag", "Link"])
    # the hot path first: routes are matched in order, and nesting costs a little per request
    app.include_router(entities.hot, prefix="/v1", responses=COMMON_RESPONSES)
    app.include_router(graph.hot, prefix="/v1", responses=COMMON_RESPONSES)
    docs.install(app)
    app.include_router(meta.health, dependencies=[Depends(reject_unknown_params)])
    # the token is checked by TokenMiddleware, unknown parameters by NetDep (or per router)
    v1 = APIRouter(prefix="/v1", responses=COMMON_RESPONSES)
    for module in (meta, entities, graph, queries, export, admin, view):
        v1.include_router(module.router)
    app.include_router(v1)
    examples.install(app)
    view.install(app)  # the network map at /
    return app


def app_from_env() -> FastAPI:
    """The app with settings from `GRAPHSVC_*` (uvicorn's `--factory` target, one per worker)."""
    return create_app(Settings())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: NetworkState = app.state.graphsvc
    settings: Settings = app.state.settings
    if state.network is None:  # load aside: /healthz answers at once, /readyz once loaded
        threading.Thread(target=state.reload, args=("startup",), daemon=True).start()
    watcher = SeedWatcher(state, settings.watch_interval) if settings.watch else None
    if watcher is not None:
        watcher.start()
    previous = _on_sighup(state) if settings.handle_sighup else None
    try:
        yield
    finally:
        if watcher is not None:
            watcher.stop()
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)


def _on_sighup(state: NetworkState) -> Any:
    """Reload on SIGHUP (in a thread, so the server keeps answering); returns the old handler."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return None

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("SIGHUP: reloading the seed")
        threading.Thread(target=state.reload, args=("SIGHUP",), daemon=True).start()

    return signal.signal(signal.SIGHUP, handle)
