"""The live network of the service, and reloads that cannot hurt it.

A reload builds a new :class:`Network` aside and swaps one reference, and only when

- the seed loads without errors (else the outcome is `invalid`: every problem is reported),
- it would not drop more than `max_drop` (a share) of the nodes, edges or facts being served,
  unless forced (else `refused`, with what would be lost),
- nothing unexpected happened (else `error`: logged, and the old data keeps serving).

With several workers (`shared`, see :mod:`graphsvc.api.shared`), the worker that reloads
validates the seed once, copies it aside and publishes its version; the others follow by
loading that copy. No worker ever loads data that was not validated first.
"""

from __future__ import annotations

import csv
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import yaml

from graphsvc._gc import release_frozen
from graphsvc.api.shared import SeedChanged, SharedDir
from graphsvc.errors import InvalidSeed, Problem
from graphsvc.network import Network, load, sizes

log = logging.getLogger("graphsvc.api")

Outcome = Literal["ok", "refused", "invalid", "error"]
DATA_ERRORS = (OSError, ValueError, csv.Error, yaml.YAMLError, RecursionError)
"""What a loader raises for bad data it did not turn into problems: still a 422, never a 500."""
MAX_RECORDED_ERRORS = 20
"""`last_reload` keeps the first problems (and their count); the reload answer has them all."""


def losses(served: dict[str, int], new: dict[str, int], max_drop: float
           ) -> dict[str, dict[str, float]]:
    """The counts that would drop by more than `max_drop` (a share), with what would be lost."""
    out: dict[str, dict[str, float]] = {}
    for what, before in served.items():
        after = new.get(what, 0)
        if before > 0 and (before - after) / before > max_drop:
            out[what] = {"served": before, "new": after, "lost": before - after,
                         "percent": round(100 * (before - after) / before, 1)}
    return out


@dataclass(frozen=True)
class ReloadResult:
    """What one reload attempt did."""

    outcome: Outcome
    data_version: str | None  # serving after the attempt
    previous_version: str | None  # serving before it
    trigger: str
    at: float
    seconds: float
    candidate_version: str | None = None  # the version the seed on disk had, if it loaded
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    would_lose: dict[str, dict[str, float]] = field(default_factory=dict)
    forced: bool = False
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether the new data is serving."""
        return self.outcome == "ok"

    @property
    def changed(self) -> bool:
        """Whether the data version now serving differs from the one before."""
        return self.ok and self.data_version != self.previous_version

    def record(self) -> dict[str, Any]:
        """The JSON record of `last_reload` (the first problems only, and their count)."""
        return {
            "ok": self.ok, "outcome": self.outcome, "trigger": self.trigger,
            "at": datetime.fromtimestamp(self.at, tz=timezone.utc).isoformat(),
            "seconds": round(self.seconds, 3), "message": self.message,
            "data_version": self.data_version, "previous_version": self.previous_version,
            "candidate_version": self.candidate_version, "forced": self.forced,
            "problem_count": len(self.errors),
            "errors": [p.as_dict() for p in self.errors[:MAX_RECORDED_ERRORS]],
            "would_lose": self.would_lose,
        }


class NetworkState:
    """Holds the one live :class:`Network`; readers take `.network` once per request.

    The network is never edited: :meth:`reload` builds a new one (call it from a thread) and
    swaps the reference only if it passes every check. `prepare` is applied to every network
    before it serves (e.g. hiding attributes).
    """

    def __init__(self, seed: Path | None, network: Network | None = None,
                 loader: Callable[[Path | None], Network] = load, *, max_drop: float = 0.2,
                 prepare: Callable[[Network], Network] | None = None,
                 shared: SharedDir | None = None) -> None:
        self.seed = seed
        self._loader = loader
        self._prepare = prepare or (lambda net: net)
        self.max_drop = max_drop
        self.shared = shared
        self._network = self._prepare(network) if network is not None else None
        self._lock = threading.Lock()
        self.last_reload: ReloadResult | None = None

    @property
    def network(self) -> Network | None:
        """The network serving now (None until the first load succeeds)."""
        return self._network

    def seed_dir(self) -> Path | None:
        """The directory loads read (None: the bundled seed)."""
        if self.seed is not None:
            return self.seed
        return self._network.seed_dir if self._network is not None else None

    # -- reload --------------------------------------------------------------------------
    def reload(self, trigger: str = "api", force: bool = False) -> ReloadResult:
        """Load the seed aside and swap it in if it passes every check. Blocking; never raises
        for bad data (the outcome says what happened, and it is logged)."""
        shared_lock = self.shared.lock() if self.shared is not None else _no_lock()
        with self._lock, shared_lock:
            result = self._reload(trigger, force)
            self.last_reload = result
            if self.shared is not None:
                try:
                    self.shared.write_last_reload(result.record())
                except OSError as exc:
                    log.warning("could not record the reload for the other workers: %s", exc)
            _log_result(result)
            return result

    def _baseline(self) -> tuple[str | None, dict[str, int] | None]:
        """The version and counts a reload is measured against: the published ones (several
        workers), else those of the network serving here."""
        if self.shared is not None:
            cur = self.shared.current()
            if cur is not None:
                return cur.data_version, cur.sizes
        net = self._network
        return (net.data_version, sizes(net)) if net is not None else (None, None)

    def _reload(self, trigger: str, force: bool) -> ReloadResult:
        before, served = self._baseline()
        started = time.perf_counter()

        def done(outcome: Outcome, message: str, **kw: Any) -> ReloadResult:
            serving = self._network.data_version if self._network is not None else None
            return ReloadResult(outcome, serving, before, trigger, time.time(),
                                time.perf_counter() - started, forced=force, message=message,
                                **kw)

        try:
            raw = self._loader(self.seed)
            new = self._prepare(raw)
        except InvalidSeed as exc:
            return done("invalid", f"seed refused: {len(exc.problems)} error(s); the previous "
                        "data keeps serving", errors=list(exc.problems),
                        warnings=list(exc.warnings))
        except DATA_ERRORS as exc:
            where = str(getattr(exc, "filename", None) or self.seed or "seed")
            return done("invalid", "seed refused: it could not be read; the previous data "
                        "keeps serving", errors=[Problem(where, 0, _one_line(exc))])
        except Exception as exc:  # a bug, not bad data: logged in full, answered in one line
            log.error("reload (%s): internal error, details for a report:", trigger, exc_info=exc)
            return done("error", f"the reload failed with an internal error "
                        f"({type(exc).__name__}); the previous data keeps serving. Please "
                        "report it (the server log has the details)",
                        errors=[Problem(str(self.seed or "seed"), 0, _one_line(exc))])
        new_sizes = sizes(new)
        lost = losses(served, new_sizes, self.max_drop) if served is not None else {}
        if lost and not force:
            what = "; ".join(f"{k} {int(v['served'])} → {int(v['new'])} (−{v['percent']} %)"
                             for k, v in lost.items())
            return done("refused", f"reload refused: it would drop more than "
                        f"{self.max_drop:.0%} of the data serving: {what}. Fix the seed, or "
                        "force it (POST /v1/admin/reload?force=true, GRAPHSVC_RELOAD_FORCE)",
                        candidate_version=new.data_version, would_lose=lost,
                        warnings=list(new.report.warnings))
        if self.shared is not None and self.seed is not None:
            try:
                self.shared.publish(self.seed, new.data_version, new_sizes,
                                    on_copied=lambda copy: warm_start(copy, raw))
            except SeedChanged as exc:
                return done("invalid", f"seed refused: {exc}; the previous data keeps serving",
                            candidate_version=new.data_version,
                            errors=[Problem(str(self.seed), 0, str(exc))])
            except OSError as exc:
                return done("error", f"the reload could not be shared with the other workers "
                            f"({_one_line(exc)}); the previous data keeps serving",
                            candidate_version=new.data_version)
        old, self._network = self._network, new  # the swap: one reference, atomic for readers
        replaced = old is not None
        del old
        if replaced:  # (the first network replaces none: nothing to free, no full collection)
            release_frozen()  # the old network is freed, not kept frozen
        message = "reloaded" if new.data_version != before else "reloaded (data unchanged)"
        if lost:
            message += " (forced: " + ", ".join(f"{k} −{v['percent']} %"
                                                for k, v in lost.items()) + ")"
        return done("ok", message, candidate_version=new.data_version, would_lose=lost,
                    warnings=list(new.report.warnings))

    # -- several workers -----------------------------------------------------------------
    def start(self) -> bool:
        """A worker's first load of the published version, one worker at a time (see
        :meth:`SharedDir.starting`); later versions are followed at once (:meth:`follow`)."""
        if self.shared is None:
            return False
        with self.shared.starting():
            return self.follow()

    def follow(self) -> bool:
        """Serve the published version if it is not serving here yet (several workers).
        Returns whether the network changed."""
        if self.shared is None:
            return False
        cur = self.shared.current()
        net = self._network
        if cur is None or (net is not None and net.data_version == cur.data_version):
            return False
        with self._lock:
            net = self._network
            if net is not None and net.data_version == cur.data_version:
                return False
            try:
                new = self._prepare(self._loader(cur.seed))
            except Exception as exc:  # e.g. the copy was pruned meanwhile: the next look retries
                log.warning("could not load published version %s: %s", cur.data_version,
                            _one_line(exc))
                return False
            if new.data_version != cur.data_version:
                log.warning("published copy %s loads as %s; not serving it", cur.seed,
                            new.data_version)
                return False
            self._network = _relocated(new, cur.seed, self.seed)
            log.info("serving %s, the version published for every worker (was %s)",
                     cur.data_version, net.data_version if net is not None else None)
            replaced = net is not None
            del net
            if replaced:
                release_frozen()  # the old network is freed, not kept frozen
            return True

    def last_reload_record(self) -> dict[str, Any] | None:
        """The last reload attempt as JSON (of any worker when there are several)."""
        if self.shared is not None:
            shared = self.shared.last_reload()
            if shared is not None:
                return shared
        return self.last_reload.record() if self.last_reload is not None else None


def warm_start(copy: Path, net: Network, always: bool = False) -> None:
    """Leave a snapshot of a published copy so that the workers load it warm (a load slower than
    a second, or `always`)."""
    from graphsvc.loader.snapshot import share_snapshot, write_snapshot
    from graphsvc.network import SNAPSHOT_MIN_SECONDS, snapshot_parts, snapshot_summary

    if not (always or net.report.load_seconds > SNAPSHOT_MIN_SECONDS):
        return
    # the seed's own snapshot, when it holds everything in this network's cache, is linked
    # rather than pickled again (seconds at national scale, with the warm-up in it)
    root = net.snapshot_root
    if root is None or net.cache.unsaved() or \
            not share_snapshot(root, copy, net.data_version):
        write_snapshot(copy, net.data_version, snapshot_parts(net), net.cache.saved(),
                       summary=snapshot_summary(net))


def link_snapshot(copy: Path, seed: Path, version: str) -> None:
    """Give a published copy the snapshot of `seed` (see :func:`warm_start`), when this process
    has not read it: the workers then load it warm; without it (it vanished since it was
    looked at, or cannot be linked), each worker loads the copy from its files."""
    from graphsvc.loader.snapshot import share_snapshot

    if share_snapshot(seed, copy, version) is None:
        log.warning("the snapshot of %s could not be shared with the workers: each will load "
                    "the seed files itself", seed)


class _no_lock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 500 else text[:500] + "…"


def _relocated(net: Network, copy: Path, seed: Path | None) -> Network:
    """A network loaded from the published copy, reported as from the user's seed directory."""
    if seed is None:
        return net
    old, new = str(copy), str(seed)

    def fix(p: Problem) -> Problem:
        return replace(p, file=p.file.replace(old, new, 1))

    net.report = replace(net.report, seed_dir=new,
                         warnings=[fix(w) for w in net.report.warnings])
    net.seed_dir = seed
    return net


def _log_result(r: ReloadResult) -> None:
    if r.outcome == "ok":
        log.info("reload (%s): %s; serving %s (was %s) in %.2f s", r.trigger, r.message,
                 r.data_version, r.previous_version, r.seconds)
        return
    lines = "".join(f"\n  {p}" for p in r.errors[:50])
    if len(r.errors) > 50:
        lines += f"\n  ... and {len(r.errors) - 50} more"
    log.error("reload (%s) %s: %s [serving %s]%s", r.trigger, r.outcome, r.message,
              r.data_version, lines)


def seed_fingerprint(seed_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every file of a seed directory (what `--watch` compares)."""
    out = []
    for path in sorted(seed_dir.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            st = path.stat()
            out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


class SeedWatcher:
    """Polls the seed files every `interval` seconds; once they changed and then stayed the same
    for `quiet` seconds (a writer is done), calls `on_change` (a reload)."""

    def __init__(self, seed_dir: Callable[[], Path | None], on_change: Callable[[], Any],
                 interval: float = 1.0, quiet: float = 2.0) -> None:
        self.seed_dir = seed_dir
        self.on_change = on_change
        self.interval = interval
        self.quiet = quiet
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="graphsvc-watch", daemon=True)
        self._seen: tuple[tuple[str, int, int], ...] | None = None

    def start(self) -> None:
        """Note the seed files as they are now, then poll them in a daemon thread."""
        self._seen = self._fingerprint()
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for the thread (at most a few seconds)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...] | None:
        seed = self.seed_dir()
        try:
            return seed_fingerprint(seed) if seed is not None else None
        except OSError:
            return None

    def _run(self) -> None:
        seen = self._seen
        last: tuple[tuple[str, int, int], ...] | None = seen
        changed_at = time.monotonic()
        while not self._stop.wait(self.interval):
            now = self._fingerprint()
            if now != last:  # still changing: wait until it has been quiet long enough
                last, changed_at = now, time.monotonic()
                continue
            if now is None or now == seen or time.monotonic() - changed_at < self.quiet:
                continue
            seen = now
            try:
                self.on_change()
            except Exception:  # the reload logs its own outcome; never end the watcher
                log.exception("--watch: the reload failed")


class Follower:
    """Each worker's poller (several workers): follows the published version and runs the
    reloads the supervisor asks for (SIGHUP, --watch)."""

    def __init__(self, state: NetworkState, force: Callable[[str], bool],
                 interval: float = 0.25) -> None:
        assert state.shared is not None
        self.state = state
        self.shared = state.shared
        self.force = force
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="graphsvc-follow", daemon=True)

    def start(self) -> None:
        """Poll in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                trigger = self.shared.claim()
                if trigger is not None:
                    self.state.reload(trigger, force=self.force(trigger))
                self.state.follow()
            except Exception:  # never let the poller die
                log.exception("worker reload poller")
