"""Answers computed once per network (one data version): a reload brings a fresh, empty cache."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graphsvc.network import Network

T = TypeVar("T")
MAX_ENTRIES = 4096  # per network: hot entities and every option combination people use

_caches: weakref.WeakKeyDictionary[Network, OrderedDict[Hashable, Any]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()


def _key(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value  # type: ignore[no-any-return]


MISSING: Any = object()


def peek(net: Network, fn: Callable[..., T], **kwargs: Any) -> T:
    """What `memo` would return without computing anything: the cached value or `MISSING`."""
    key = (fn.__module__, fn.__qualname__, *((k, _key(v)) for k, v in sorted(kwargs.items())))
    with _lock:
        cache = _caches.get(net)
        if cache is None or key not in cache:
            return MISSING  # type: ignore[no-any-return]
        cache.move_to_end(key)
        return cache[key]  # type: ignore[no-any-return]


def memo(net: Network, fn: Callable[..., T], **kwargs: Any) -> T:
    """`fn(net, **kwargs)`, computed once per network and options (errors are not cached)."""
    key = (fn.__module__, fn.__qualname__, *((k, _key(v)) for k, v in sorted(kwargs.items())))
    with _lock:
        cache = _caches.setdefault(net, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[no-any-return]
    value = fn(net, **kwargs)  # outside the lock: two first callers may both compute, harmlessly
    with _lock:
        cache[key] = value
        while len(cache) > MAX_ENTRIES:
            cache.popitem(last=False)
    return value
