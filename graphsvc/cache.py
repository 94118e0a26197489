"""One cache per `Network`: what is computed from one data version, in one place.

Every query and the API keep what they compute from a network here (`net.cache`), never in
module-level dictionaries. Two kinds of entry:

- **indexes** (`index(name, build)`): structures the queries walk (organisation indexes, the
  search index, statuses of a year, centrality scores, the map's layout). Built once, by one
  thread (others wait for it), and never evicted: they are what makes every answer fast.
- **answers** (`answer(key, compute)`): whole answers and HTTP bodies, kept least recently used
  first out, within `max_entries` and `max_bytes` (sizes are exact for bytes, the cached HTTP
  bodies, and estimated for Python objects). Errors are never cached.

A reload builds a new `Network`, and so starts with an empty cache; the old one goes with the
old network. A snapshot carries the cache (`saved`/`restore`): the server writes it again after
its warm-up, so that the next start of that data version finds every warm index built.
`listing()` says what is held, for the admin (`GET /v1/admin/cache`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

T = TypeVar("T")

MAX_ENTRIES = int(os.environ.get("GRAPHSVC_CACHE_MAX_ENTRIES", "4096"))
MAX_BYTES = int(float(os.environ.get("GRAPHSVC_CACHE_MAX_MB", "256")) * 1024 * 1024)
MISSING: Any = object()
"""What `peek` returns for an answer that is not cached."""


def approx_size(value: object) -> int:
    """Bytes a cached value holds: exact for bytes and text, shallow plus items for
    containers and models (an estimate, good enough to bound the cache)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    size = sys.getsizeof(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        size += sum(sys.getsizeof(v) for v in list(value)[:1000]) * max(1, len(value) // 1000)
    elif isinstance(value, dict):
        size += sum(sys.getsizeof(k) + sys.getsizeof(v)
                    for k, v in list(value.items())[:1000]) * max(1, len(value) // 1000)
    elif hasattr(value, "__dict__"):
        size += sum(sys.getsizeof(v) for v in vars(value).values())
    return size


def name_of(key: Hashable) -> str:
    """The readable name of an answer key: its first part (the question)."""
    return str(key[0]) if isinstance(key, tuple) and key else str(key)


def _constant(value: T) -> Callable[[], T]:
    return lambda: value


@dataclass
class _Answer:
    value: Any
    size: int
    hits: int = 0


@dataclass
class _Index:
    value: Any
    seconds: float


@dataclass
class NetworkCache:
    """The cache of one network (see the module's doc)."""

    max_entries: int = MAX_ENTRIES
    max_bytes: int = MAX_BYTES
    _indexes: dict[str, _Index] = field(default_factory=dict)
    _building: dict[str, threading.Lock] = field(default_factory=dict)
    _answers: OrderedDict[Hashable, _Answer] = field(default_factory=OrderedDict)
    _bytes: int = 0
    _hits: int = 0
    _misses: int = 0
    _evicted: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _saved: set[Hashable] = field(default_factory=set)
    """Index names and answer keys that came from, or went into, the snapshot."""

    # -- indexes -----------------------------------------------------------------------------
    def index(self, name: str, build: Callable[[], T]) -> T:
        """The index `name`, built by `build()` on first use (once: concurrent first callers
        wait for the one building it) and kept as long as the network."""
        found = self._indexes.get(name)
        if found is not None:
            return cast(T, found.value)
        with self._lock:
            lock = self._building.setdefault(name, threading.Lock())
        with lock:
            found = self._indexes.get(name)
            if found is None:
                start = time.perf_counter()
                value = build()
                found = _Index(value, time.perf_counter() - start)
                self._indexes[name] = found
        return cast(T, found.value)

    def has_index(self, name: str) -> bool:
        """Whether the index `name` is built."""
        return name in self._indexes

    # -- answers -----------------------------------------------------------------------------
    def peek(self, key: Hashable) -> Any:
        """The cached answer for `key`, or `MISSING` (nothing is computed)."""
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                return MISSING
            self._answers.move_to_end(key)
            found.hits += 1
            self._hits += 1
            return found.value

    def answer(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for `key`: cached, or `compute()` kept within the limits (an answer
        bigger than the whole byte limit is returned but not kept)."""
        found = self.peek(key)
        if found is not MISSING:
            return cast(T, found)
        value = compute()  # outside the lock: two first callers may both compute, harmlessly
        size = approx_size(value)
        with self._lock:
            self._misses += 1
            if size > self.max_bytes:
                return value
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._answers[key] = _Answer(value, size)
            self._bytes += size
            while self._answers and (len(self._answers) > self.max_entries
                                     or self._bytes > self.max_bytes):
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= dropped.size
                self._evicted += 1
        return value

    def clear_answers(self) -> None:
        """Drop every cached answer (indexes stay)."""
        with self._lock:
            self._answers.clear()
            self._bytes = 0

    # -- kept with the snapshot ---------------------------------------------------------------
    def saved(self) -> dict[str, Any]:
        """What a snapshot keeps of this cache: every index and every answer (the warm-up's,
        when it is saved right after one), so that a start from it finds them built."""
        with self._lock:
            indexes = {n: (i.value, i.seconds) for n, i in self._indexes.items()}
            answers = [(k, a.value) for k, a in self._answers.items()]
        return {"indexes": indexes, "answers": answers}

    def restore(self, saved: dict[str, Any]) -> None:
        """Take in what `saved` gave (from a snapshot of the same data version)."""
        for name, (value, seconds) in saved.get("indexes", {}).items():
            self._indexes.setdefault(name, _Index(value, seconds))
        for key, value in saved.get("answers", []):
            self.answer(key, _constant(value))
        with self._lock:
            self._misses = 0
            self._saved = set(self._indexes) | set(self._answers)

    def mark_saved(self, saved: dict[str, Any]) -> None:
        """`saved` (from :meth:`saved`) went into the snapshot."""
        with self._lock:
            self._saved = set(saved.get("indexes", {})) | {k for k, _ in saved.get("answers", [])}

    def unsaved(self) -> bool:
        """Whether an index or answer was built since the snapshot was read or written."""
        with self._lock:
            return bool(set(self._indexes) - self._saved
                        or set(self._answers) - self._saved)

    # -- for the admin -----------------------------------------------------------------------
    def listing(self) -> dict[str, Any]:
        """What the cache holds: its limits, totals, every index and the answers by question."""
        with self._lock:
            groups: dict[str, dict[str, int]] = {}
            for key, a in self._answers.items():
                g = groups.setdefault(name_of(key), {"entries": 0, "bytes": 0, "hits": 0})
                g["entries"] += 1
                g["bytes"] += a.size
                g["hits"] += a.hits
            return {
                "max_entries": self.max_entries,
                "max_bytes": self.max_bytes,
                "entries": len(self._answers),
                "bytes": self._bytes,
                "hits": self._hits,
                "misses": self._misses,
                "evicted": self._evicted,
                "indexes": [{"name": n, "build_seconds": round(i.seconds, 4)}
                            for n, i in self._indexes.items()],
                "answers": [{"question": q, **g} for q, g in sorted(groups.items())],
            }
