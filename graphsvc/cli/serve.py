"""`graphsvc serve`: run the HTTP API with uvicorn (access log, graceful stop, SIGHUP reloads)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from graphsvc.cli.common import UsageError, seed_path, terminal_progress

FLAGS = ("seed", "host", "port", "workers", "token", "admin_token", "cors_origins", "watch",
         "log_level", "reload_max_drop", "reload_force", "hide_attributes", "trust_proxy",
         "forwarded_allow_ips", "base_url")

log = logging.getLogger("graphsvc.api")


def settings_from(args: argparse.Namespace) -> Any:
    """Settings from `GRAPHSVC_*`, overridden by the flags given on the command line."""
    from graphsvc.api.settings import Settings

    given = {k: getattr(args, k) for k in FLAGS if getattr(args, k, None) not in (None, False)}
    try:
        return Settings(**given, handle_sighup=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def uvicorn_options(settings: Any, graceful_timeout: float) -> dict[str, Any]:
    """The uvicorn options that follow the settings (limits, proxy trust, logging)."""
    return {
        "host": settings.host, "port": settings.port, "log_level": settings.log_level,
        "access_log": True, "timeout_graceful_shutdown": graceful_timeout,
        "server_header": False,
        # h11 (pure Python) enforces the request line + header limit; httptools would not
        "http": "h11", "h11_max_incomplete_event_size": settings.max_header_bytes,
        "limit_concurrency": settings.limit_concurrency,
        # X-Forwarded-For/-Proto are believed only behind a proxy the settings name
        "proxy_headers": settings.trust_proxy,
        "forwarded_allow_ips": settings.forwarded_allow_ips if settings.trust_proxy else "",
    }


def cmd_serve(args: argparse.Namespace) -> int:
    """Load the seed (failing fast on errors), then serve it until SIGTERM / Ctrl-C."""
    import uvicorn

    from graphsvc.api.state import link_snapshot, warm_start
    from graphsvc.hide import hider
    from graphsvc.loader.bundled import bundled_seed
    from graphsvc.network import load, peek_snapshot, sizes

    settings = settings_from(args)
    pid = "[%(process)d] " if settings.workers > 1 else ""
    logging.basicConfig(level=settings.log_level.upper(),
                        format=f"%(levelname)s:     {pid}%(name)s: %(message)s")
    seed_path(str(settings.seed) if settings.seed else None)
    common = uvicorn_options(settings, args.graceful_timeout)
    seed = Path(settings.seed) if settings.seed is not None else bundled_seed()
    where = f"http://{settings.host}:{settings.port}"
    # Several workers and a current snapshot with its warm-up: the workers read it; this
    # process needs neither the network nor its checks (the snapshot was written from checked
    # files of this very version), so it does not read it a first time on the same cores.
    found = (peek_snapshot(seed) if settings.workers > 1 and not settings.hide_attributes
             else None)
    if found is not None and found["extra"]:
        print(f"graphsvc: serving {found['network']} on {where} "
              f"({settings.workers} workers, from its snapshot)", flush=True)
        version, counts = found["data_version"], found["sizes"]
        on_copied: Callable[[Path], object] | None = partial(
            link_snapshot, seed=seed, version=version)
    else:
        # A bad seed stops here with every error listed (exit 1).
        with terminal_progress() as progress:
            net = load(settings.seed, progress=progress, serving=True)
        print(f"graphsvc: serving {net!r} on {where}", flush=True)
        if settings.workers == 1:
            from graphsvc.api.app import create_app  # (a supervisor of workers needs no app)

            # warmed after the port opens: /healthz answers at once, /readyz once warm
            uvicorn.run(create_app(settings, net, background=True), **common)
            return 0
        if not settings.hide_attributes:
            # warmed once here, and saved with the snapshot the workers load: each worker
            # then starts warm instead of building the same indexes on the same cores at once
            from graphsvc.api.warm import warm

            warm(net)
        version, counts = net.data_version, sizes(hider(settings.hide_attributes)(net))
        on_copied = partial(warm_start, net=net, always=True)
        del net
    # Several workers: uvicorn spawns them (no fork), so nothing loaded here is shared with
    # them. They share a runtime directory instead: the validated seed is copied there and
    # every worker loads that copy; reloads are validated once and then published the same way.
    from graphsvc.api.shared import SharedDir

    shared = SharedDir.create()
    try:
        shared.publish(seed, version, counts, on_copied=on_copied)
        on_copied = None  # (the network it holds, if any, is no longer needed here)
        gc.collect()
        env = settings.model_dump()
        env.update(seed=seed.resolve(), runtime_dir=shared.root, watch=False,
                   handle_sighup=False)
        for key, value in env.items():
            if value is None:
                continue
            if hasattr(value, "get_secret_value"):
                value = value.get_secret_value()
            elif isinstance(value, list):
                value = ",".join(value)
            os.environ[f"GRAPHSVC_{key.upper()}"] = str(value)
        _supervise(settings, common, shared, seed)
    finally:
        shutil.rmtree(shared.root, ignore_errors=True)
    return 0


def _supervise(settings: Any, common: dict[str, Any], shared: Any, seed: Path) -> None:
    """Run the workers under uvicorn's supervisor, with SIGHUP and --watch turned into one
    validated reload (a worker runs it; the others follow) instead of restarting the workers."""
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess

    from graphsvc.api.state import SeedWatcher

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:
            log.info("SIGHUP: reloading the seed (one worker validates it, the others follow)")
            shared.ask("sighup")

    config = uvicorn.Config("graphsvc.api.app:app_from_env", factory=True,
                            workers=settings.workers, **common)
    sock = config.bind_socket()
    watcher = None
    if settings.watch:
        watcher = SeedWatcher(lambda: seed, lambda: shared.ask("watch"),
                              settings.watch_interval, settings.watch_quiet)
        watcher.start()
    try:
        Supervisor(config, sockets=[sock]).run()
    finally:
        if watcher is not None:
            watcher.stop()
        sock.close()


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
    p.add_argument("--watch", action="store_true",
                   help="reload when the seed files changed and then stayed unchanged for "
                   "GRAPHSVC_WATCH_QUIET seconds (default 2)")
    p.add_argument("--reload-max-drop", dest="reload_max_drop", type=float, metavar="SHARE",
                   help="refuse a reload that drops more than this share of the nodes, edges "
                   "or facts serving (default 0.2)")
    p.add_argument("--force-reload", dest="reload_force", action="store_true",
                   help="SIGHUP and --watch reloads skip the drop check")
    p.add_argument("--hide-attributes", dest="hide_attributes", metavar="NAMES",
                   help="comma-separated attributes dropped from every response and export, "
                   "e.g. note,collective_income")
    p.add_argument("--token", help="bearer token every /v1 request needs (GRAPHSVC_TOKEN)")
    p.add_argument("--admin-token", dest="admin_token",
                   help="bearer token of /v1/admin (GRAPHSVC_ADMIN_TOKEN)")
    p.add_argument("--cors-origins", dest="cors_origins", metavar="ORIGINS",
                   help="comma-separated origins allowed by CORS")
    p.add_argument("--trust-proxy", dest="trust_proxy", action="store_true",
                   help="behind a reverse proxy: believe its X-Forwarded-For/-Proto")
    p.add_argument("--forwarded-allow-ips", dest="forwarded_allow_ips", metavar="IPS",
                   help="with --trust-proxy: the proxy addresses (default 127.0.0.1)")
    p.add_argument("--base-url", dest="base_url", metavar="URL",
                   help="public base URL of links (default: relative links)")
    p.add_argument("--log-level", dest="log_level",
                   choices=["critical", "error", "warning", "info", "debug"],
                   help="log level (default info)")
    p.add_argument("--graceful-timeout", dest="graceful_timeout", type=float, default=10.0,
                   metavar="SECONDS", help="how long to let requests finish on stop (default 10)")
    p.set_defaults(handler=cmd_serve)


