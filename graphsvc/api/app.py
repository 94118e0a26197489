"""The app factory: `create_app(settings)` gives the FastAPI app over one live network."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from types import FrameType
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from graphsvc._gc import freeze_serving
from graphsvc._version import __version__
from graphsvc.api import docs, errors, examples
from graphsvc.api.deps import TokenMiddleware, reject_unknown_params
from graphsvc.api.errors import PROBLEM
from graphsvc.api.middleware import HeadMiddleware, LimitsMiddleware, SecurityHeadersMiddleware
from graphsvc.api.models import ProblemOut
from graphsvc.api.routes import admin, entities, export, graph, meta, queries, view
from graphsvc.api.settings import Settings
from graphsvc.api.shared import SharedDir
from graphsvc.api.state import Follower, NetworkState, SeedWatcher
from graphsvc.api.warm import Progress, warm, warm_loader
from graphsvc.hide import hider
from graphsvc.network import Network, load

log = logging.getLogger("graphsvc.api")
SWITCH_INTERVAL = 0.001

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


def operation_id(route: APIRoute) -> str:
    """The id of a route that declares no `operation_id=`: its handler's name in camelCase
    (`list_entities` → `listEntities`), never FastAPI's `list_entities_v1_entities_get`.

    Every route in the schema declares its id (a test checks), so renaming a handler cannot
    rename a generated client's function; this only keeps hidden routes' ids short.
    """
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def create_app(settings: Settings | None = None, network: Network | None = None, *,
               background: bool = False) -> FastAPI:
    """The HTTP app serving `network` (or the seed of `settings`, loaded in the background).

    Every network is warmed (its hot indexes built, see :mod:`graphsvc.api.warm`) before it
    serves; with `background`, `network` is warmed after the server starts, and `/readyz`
    says what the warm-up is doing until it is done.
    """
    settings = settings or Settings()
    app = FastAPI(title="graphsvc", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=_lifespan,
                  generate_unique_id_function=operation_id)
    app.state.settings = settings
    shared = SharedDir(settings.runtime_dir) if settings.runtime_dir is not None else None
    progress = app.state.progress = Progress()
    hide = hider(settings.hide_attributes)

    def prepare(net: Network) -> Network:
        warmed = warm(hide(net), progress)
        freeze_serving()  # no collector walks through the network while it serves
        progress.finish()
        return warmed

    first = network if background else None
    app.state.graphsvc = NetworkState(settings.seed, None if background else network,
                                      loader=warm_loader(partial(load, serving=True),
                                                         progress, first),
                                      max_drop=settings.reload_max_drop, prepare=prepare,
                                      shared=shared)
    errors.install(app)
    # the last added is the outermost: HEAD → security headers → body limit → CORS → token
    app.add_middleware(TokenMiddleware)  # added first: CORS wraps it, so preflights pass
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "HEAD", "POST"],
                           allow_headers=["Authorization", "If-None-Match"],
                           expose_headers=["ETag", "Link"])
    app.add_middleware(LimitsMiddleware, limit=settings.max_body_bytes,
                       max_url=settings.max_url_bytes, max_headers=settings.max_header_bytes)
    app.add_middleware(SecurityHeadersMiddleware, private=settings.token is not None)
    app.add_middleware(HeadMiddleware)
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
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(levelname)s:     [%(process)d] %(name)s: %(message)s")
    if settings.runtime_dir is not None and hasattr(signal, "SIGHUP"):
        # a worker of several: the supervisor turns SIGHUP into one reload for all of them
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    return create_app(settings)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: NetworkState = app.state.graphsvc
    settings: Settings = app.state.settings
    # a heavy computation in a handler thread hands the GIL back to the event loop sooner, so
    # the async hot paths (lookups) wait less behind it (CPython's default is 5 ms)
    sys.setswitchinterval(SWITCH_INTERVAL)
    follower = None
    if state.shared is not None:  # a worker of several: serve what was published, follow it
        if state.network is None:
            await run_in_threadpool(state.start)
        follower = Follower(state, lambda trigger: settings.reload_force)
        follower.start()
    if state.network is None:  # load aside: /healthz answers at once, /readyz once loaded
        threading.Thread(target=state.reload, args=("startup",), daemon=True).start()
    watcher = None
    if settings.watch and state.shared is None:
        watcher = SeedWatcher(state.seed_dir, lambda: state.reload(
            "watch", force=settings.reload_force), settings.watch_interval, settings.watch_quiet)
        watcher.start()
    previous = None
    if settings.handle_sighup and state.shared is None:
        previous = _on_sighup(state, settings.reload_force)
    try:
        yield
    finally:
        if watcher is not None:
            watcher.stop()
        if follower is not None:
            follower.stop()
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)


def _on_sighup(state: NetworkState, force: bool) -> Any:
    """Reload on SIGHUP (in a thread, so the server keeps answering); returns the old handler."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return None

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("SIGHUP: reloading the seed")
        threading.Thread(target=state.reload, args=("sighup", force), daemon=True).start()

    return signal.signal(signal.SIGHUP, handle)
