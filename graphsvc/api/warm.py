"""Warming: a network's hot indexes are built before it serves, so that the first request after a
start or a reload answers at warm speed.

At national scale the first search used to build its index (17 s), the first gaps its whole
answer (18 s), and so on, once per process and data version. :func:`warm` builds them all
before the network is swapped in (a reload keeps the old network serving meanwhile), and
:class:`Progress` says what it is doing, for `/readyz` while nothing is serving yet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphsvc._gc import gc_paused
from graphsvc.errors import GraphsvcError
from graphsvc.network import SNAPSHOT_MIN_SECONDS, Network, save_snapshot

log = logging.getLogger("graphsvc.api")


class Progress:
    """What loading and warming are doing now (thread-safe; read by `/readyz`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._activity: str | None = None
        self._since = 0.0
        self._done: list[tuple[str, float]] = []

    def start(self, activity: str) -> None:
        """A new step begins (the previous one, if any, is done)."""
        now = time.perf_counter()
        with self._lock:
            if self._activity is not None:
                self._done.append((self._activity, now - self._since))
            self._activity, self._since = activity, now

    def finish(self) -> None:
        """Every step is done: nothing to report until the next load."""
        self.start("")
        with self._lock:
            self._activity, self._done = None, []

    def describe(self) -> str | None:
        """`building the search index (3.2 s so far; done: loading the seed 7.7 s, …)`, or
        None when idle."""
        with self._lock:
            if self._activity is None:
                return None
            text = f"{self._activity} ({time.perf_counter() - self._since:.1f} s so far"
            if self._done:
                text += "; done: " + ", ".join(f"{a} {s:.1f} s" for a, s in self._done)
            return text + ")"


def steps(net: Network) -> list[tuple[str, Callable[[], Any]]]:
    """The warm-up steps of a network: what each hot endpoint would otherwise build on its
    first request. The first pages are asked for as the API asks with its defaults, so that
    the first request finds them in the API's cache."""
    # the query modules themselves (not the package's names, which a test may replace)
    from graphsvc.api.cache import memo
    from graphsvc.queries.common import indexes
    from graphsvc.queries.coverage import coverage
    from graphsvc.queries.entities import sorted_ids
    from graphsvc.queries.layout import layout
    from graphsvc.queries.linked import gaps, weak_linked
    from graphsvc.queries.search import search, search_index

    first_page = {"limit": 100, "offset": 0}

    def first_search() -> None:
        search_index(net)
        search(net, "村")  # and the lazy parts of a search (spelling variants)

    return [
        ("working out the statuses", lambda: net.statuses()),
        ("indexing organisations and members", lambda: indexes(net)),
        ("building the search index", first_search),
        ("ordering the entity list", lambda: sorted_ids(net)),
        ("finding the weak-linked links", lambda: memo(
            net, weak_linked, year=None, models=None, max_hops=1, township=None,
            **first_page)),
        ("working out coverage", lambda: memo(net, coverage, year=None, **first_page)),
        ("working out gaps", lambda: memo(net, gaps, year=None, township=None, **first_page)),
        ("laying out the network map", lambda: layout(net)),
    ]


def warm(net: Network, progress: Progress | None = None) -> Network:
    """Build the hot indexes of `net` (see :func:`steps`) and return it. A step that does not
    apply to this data (e.g. no year with statuses) is skipped; the endpoint will say why.

    What the steps build is kept in the network's cache, which its snapshot carries: a
    network loaded from a snapshot saved after a warm-up finds every step done. When the
    steps took longer than a load worth a snapshot (a second), the snapshot is written again
    with them (:func:`graphsvc.network.save_snapshot`), once per data version.
    """
    started = time.perf_counter()
    timings = []
    with gc_paused():  # millions of small acyclic objects: no full collections meanwhile
        for activity, build in steps(net):
            if progress is not None:
                progress.start(activity)
            t0 = time.perf_counter()
            try:
                build()
            except GraphsvcError as exc:
                log.info("warm-up: %s skipped: %s", activity, exc)
            timings.append(f"{activity} {time.perf_counter() - t0:.1f} s")
        took = time.perf_counter() - started
        if took > SNAPSHOT_MIN_SECONDS and net.snapshot_root is not None:
            if progress is not None:
                progress.start("saving the warm-up with the snapshot")
            t0 = time.perf_counter()
            if save_snapshot(net) is not None:
                timings.append(f"saved with the snapshot {time.perf_counter() - t0:.1f} s")
    log.info("warm-up of %s done in %.1f s (%s)", net.data_version,
             time.perf_counter() - started, ", ".join(timings))
    return net


def warm_loader(load: Callable[..., Network], progress: Progress,
                first: Network | None = None) -> Callable[[Path | None], Network]:
    """`load`, saying so in `progress`; the first call returns `first` when it is given (a
    network the command line loaded already, before the server started)."""
    pending = [first] if first is not None else []

    def loader(seed: Path | None) -> Network:
        progress.start("loading the seed")
        if pending:
            return pending.pop()
        return load(seed)

    return loader
