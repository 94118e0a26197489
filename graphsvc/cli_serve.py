"""`graphsvc serve`: run the HTTP API with uvicorn (access log, graceful stop, SIGHUP reloads)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
from typing import Any

from .cli import EXTRA_COMMANDS, UsageError, _seed_path, terminal_progress

FLAGS = ("seed", "host", "port", "workers", "token", "admin_token", "cors_origins", "watch",
         "log_level")


def settings_from(args: argparse.Namespace) -> Any:
    """Settings from `GRAPHSVC_*`, overridden by the flags given on the command line."""
    from .api.settings import Settings

    given = {k: getattr(args, k) for k in FLAGS if getattr(args, k, None) not in (None, False)}
    try:
        return Settings(**given, handle_sighup=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def cmd_serve(args: argparse.Namespace) -> int:
    """Load the seed (failing fast on errors), then serve it until SIGTERM / Ctrl-C."""
    import uvicorn

    from .api.app import create_app
    from .network import load

    settings = settings_from(args)
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(levelname)s:     %(name)s: %(message)s")
    _seed_path(str(settings.seed) if settings.seed else None)
    # A bad seed stops here with every error listed (exit 1). With several workers, this load
    # also leaves a snapshot, so that each worker process starts warm from it.
    with terminal_progress() as progress:
        net = load(settings.seed, snapshot=True if settings.workers > 1 else None,
                   progress=progress)
    print(f"graphsvc: serving {net!r} on http://{settings.host}:{settings.port}", flush=True)
    common: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "log_level": settings.log_level,
        "access_log": True, "timeout_graceful_shutdown": args.graceful_timeout,
        "server_header": False,
    }
    if settings.workers == 1:
        uvicorn.run(create_app(settings, net), **common)
        return 0
    # several workers: each process builds the app from GRAPHSVC_* (SIGHUP restarts them all).
    # uvicorn spawns its workers (no fork), so nothing loaded here can be shared with them: the
    # supervisor drops its copy rather than hold a whole network it never serves.
    del net
    gc.collect()
    for key, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        elif isinstance(value, list):
            value = ",".join(value)
        os.environ[f"GRAPHSVC_{key.upper()}"] = str(value)
    uvicorn.run("graphsvc.api.app:app_from_env", factory=True, workers=settings.workers, **common)
    return 0


def register(sub: Any) -> None:
    """Add the `serve` subcommand."""
    p = sub.add_parser(
        "serve", help="serve the HTTP JSON API (default: the bundled seed on 127.0.0.1:8000)",
        description="Serve the HTTP JSON API with uvicorn. Every flag can also be set as a "
        "GRAPHSVC_* environment variable (flags win). SIGHUP reloads the seed; SIGTERM stops "
        "gracefully.")
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default 1)")
    p.add_argument("--watch", action="store_true", help="reload when a seed file changes")
    p.add_argument("--token", help="bearer token every /v1 request needs (GRAPHSVC_TOKEN)")
    p.add_argument("--admin-token", dest="admin_token",
                   help="bearer token of /v1/admin (GRAPHSVC_ADMIN_TOKEN)")
    p.add_argument("--cors-origins", dest="cors_origins", metavar="ORIGINS",
                   help="comma-separated origins allowed by CORS")
    p.add_argument("--log-level", dest="log_level",
                   choices=["critical", "error", "warning", "info", "debug"],
                   help="log level (default info)")
    p.add_argument("--graceful-timeout", dest="graceful_timeout", type=float, default=10.0,
                   metavar="SECONDS", help="how long to let requests finish on stop (default 10)")
    p.set_defaults(handler=cmd_serve)


if register not in EXTRA_COMMANDS:
    EXTRA_COMMANDS.append(register)
