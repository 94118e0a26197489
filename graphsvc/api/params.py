"""Route parameters taken from the query registry: the API's name, limits and help of each one
are those `graphsvc.queries.registry` declares (a test compares the served OpenAPI with it)."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from graphsvc.queries.registry import REGISTRY

DEPRECATED_WEIGHTS = ("`name=number` (the older CLI spelling) is read too but deprecated: the "
                      "response then carries a `Deprecation` header")


def query_param(query: str, name: str) -> Any:
    """`Query(...)` of the registry's parameter `name` of `query` (its alias, bounds, help)."""
    p = REGISTRY[query].param(name)
    description = p.help
    if p.name == "weights":
        description += "; " + DEPRECATED_WEIGHTS
    options: dict[str, Any] = {"description": description}
    if p.http is not None:
        options["alias"] = p.http
    if p.ge is not None:
        options["ge"] = p.ge
    if p.le is not None:
        options["le"] = p.le
    if p.repeated:
        if p.min_items is not None:
            options["min_length"] = p.min_items
        if p.max_items is not None:
            options["max_length"] = p.max_items
    elif p.max_length is not None:
        options["max_length"] = p.max_length
    if p.positional and p.type is str and not p.repeated and p.http is not None:
        options["min_length"] = 1
    return Query(**options)

