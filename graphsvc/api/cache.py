"""Answers computed once per network (one data version), kept in the network's own cache
(`net.cache`, see graphsvc.cache): a reload brings a fresh, empty cache."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graphsvc.cache import MISSING
from graphsvc.network import Network

T = TypeVar("T")


def _key(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value  # type: ignore[no-any-return]


def key_of(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Hashable:
    """The cache key of `fn(net, **kwargs)`: the function's name, then its options."""
    return (f"{fn.__module__}.{fn.__qualname__}",
            *((k, _key(v)) for k, v in sorted(kwargs.items())))


def peek(net: Network, fn: Callable[..., T], **kwargs: Any) -> T:
    """What `memo` would return without computing anything: the cached value or `MISSING`."""
    return net.cache.peek(key_of(fn, kwargs))  # type: ignore[no-any-return]


def memo(net: Network, fn: Callable[..., T], **kwargs: Any) -> T:
    """`fn(net, **kwargs)`, computed once per network and options (errors are not cached)."""
    return net.cache.answer(key_of(fn, kwargs), lambda: fn(net, **kwargs))


__all__ = ["MISSING", "memo", "peek"]
