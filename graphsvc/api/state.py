"""The live network of the service, and safe reloads: build aside, then swap one reference."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidSeed, Problem
from ..network import Network, load

log = logging.getLogger("graphsvc.api")


@dataclass(frozen=True)
class ReloadResult:
    """What one reload did: the version now serving, the one before, and any errors."""

    ok: bool
    data_version: str | None
    previous_version: str | None
    trigger: str
    at: float
    seconds: float
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    message: str = ""

    @property
    def changed(self) -> bool:
        """Whether the data version now serving differs from the one before."""
        return self.ok and self.data_version != self.previous_version


class NetworkState:
    """Holds the one live :class:`Network`; readers take `.network` once per request.

    The network is never edited: :meth:`reload` builds a new one with :func:`graphsvc.load`
    (call it from a thread) and swaps the reference only if the seed loaded without errors.
    """

    def __init__(self, seed: Path | None, network: Network | None = None,
                 loader: Callable[[Path | None], Network] = load) -> None:
        self.seed = seed
        self._network = network
        self._loader = loader
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

    def reload(self, trigger: str = "api") -> ReloadResult:
        """Load the seed again aside and swap it in; on errors keep the old network. Blocking."""
        with self._lock:  # one load at a time; a second caller loads again after the first
            old = self._network
            before = old.data_version if old is not None else None
            started = time.perf_counter()
            try:
                new = self._loader(self.seed)
            except InvalidSeed as exc:
                result = ReloadResult(False, before, before, trigger, time.time(),
                                      time.perf_counter() - started, list(exc.problems),
                                      list(exc.warnings), f"seed refused: {len(exc.problems)} "
                                      "error(s); the previous data keeps serving")
                log.error("reload (%s) refused, %d error(s); still serving %s:\n%s", trigger,
                          len(exc.problems), before, "\n".join(f"  {p}" for p in exc.problems))
            except (OSError, ValueError) as exc:
                result = ReloadResult(False, before, before, trigger, time.time(),
                                      time.perf_counter() - started,
                                      [Problem(str(self.seed or "seed"), 0, str(exc))],
                                      message="seed could not be read; the previous data "
                                      "keeps serving")
                log.error("reload (%s) failed: %s; still serving %s", trigger, exc, before)
            else:
                self._network = new  # the swap: one reference, atomic for readers
                result = ReloadResult(True, new.data_version, before, trigger, time.time(),
                                      time.perf_counter() - started,
                                      warnings=list(new.report.warnings),
                                      message="reloaded" if new.data_version != before
                                      else "reloaded (data unchanged)")
                log.info("reload (%s): serving %s (was %s), %d nodes, %.2f s", trigger,
                         new.data_version, before, new.report.nodes, result.seconds)
            self.last_reload = result
            return result

    def as_dict(self) -> dict[str, Any]:
        """The last reload, JSON-ready (None if there was none)."""
        r = self.last_reload
        if r is None:
            return {}
        return {"ok": r.ok, "trigger": r.trigger, "at": r.at, "message": r.message,
                "data_version": r.data_version, "errors": [p.as_dict() for p in r.errors]}


def seed_fingerprint(seed_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every file of a seed directory (what `--watch` compares)."""
    out = []
    for path in sorted(seed_dir.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            st = path.stat()
            out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


class SeedWatcher:
    """Polls the seed files every `interval` seconds and reloads once they changed and settled."""

    def __init__(self, state: NetworkState, interval: float = 1.0) -> None:
        self.state = state
        self.interval = interval
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
        seed = self.state.seed_dir()
        try:
            return seed_fingerprint(seed) if seed is not None else None
        except OSError:
            return None

    def _run(self) -> None:
        seen = self._seen
        pending: tuple[tuple[str, int, int], ...] | None = None
        while not self._stop.wait(self.interval):
            now = self._fingerprint()
            if now is None or now == seen:
                pending = None
                continue
            if now != pending:  # changed since the last look: wait until the writer is done
                pending = now
                continue
            seen, pending = now, None
            self.state.reload(trigger="watch")
