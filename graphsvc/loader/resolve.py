"""Resolve a reference (code, id, name, alias or TOWNSHIP/NAME) to one entity id."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphsvc.errors import AmbiguousName, UnknownEntity


class _AttrView(Mapping[str, Any]):
    """A read-only id -> attribute mapping over the graph's node attributes (no copy)."""

    def __init__(self, nodes: dict[str, dict[str, Any]], attr: str) -> None:
        self._nodes, self._attr = nodes, attr

    def __getitem__(self, key: str) -> Any:
        return self._nodes[key].get(self._attr)

    def __contains__(self, key: object) -> bool:
        return key in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


class Names(Mapping[str, Sequence[str]]):
    """Entity ids by name, once a build is done: a tuple of ids for each name.

    Most names are one entity's: such a name holds that id itself (the node's own string), a
    name of several a tuple. Nationally that is 418,000 lists fewer for a start to unpickle.

    >>> n = Names({"甲村": ["v1"], "辛庄村": ["v2", "v3"]})
    >>> n.get("甲村"), n["辛庄村"], n.get("乙村", ()), len(n)
    (('v1',), ('v2', 'v3'), (), 2)
    """

    __slots__ = ("_ids",)

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self._ids: dict[str, str | tuple[str, ...]] = {
            k: v[0] if len(v) == 1 else tuple(v) for k, v in lists.items() if v}

    def get(self, name: str, default: Any = None) -> Any:
        """The ids of `name` (a tuple), or `default`."""
        ids = self._ids.get(name)
        if ids is None:
            return default
        return (ids,) if isinstance(ids, str) else ids

    def __getitem__(self, name: str) -> tuple[str, ...]:
        ids = self._ids[name]
        return (ids,) if isinstance(ids, str) else ids

    def __contains__(self, name: object) -> bool:
        return name in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getstate__(self) -> dict[str, str | tuple[str, ...]]:
        return self._ids

    def __setstate__(self, state: dict[str, str | tuple[str, ...]]) -> None:
        self._ids = state


@dataclass
class NameIndex:
    """Exact lookup of entities by id, name and alias, scoped by township when asked.

    `nodes` is the graph's node-attribute dict: names and townships are read from it rather
    than copied (a national network has ~700,000 of each).
    """

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_name: Mapping[str, Sequence[str]] = field(default_factory=lambda: defaultdict(list))
    """Entity ids by name and alias: lists while the build adds them, then :class:`Names`
    (:meth:`freeze`)."""

    @property
    def names(self) -> Mapping[str, str]:
        """id -> official name."""
        return _AttrView(self.nodes, "name")

    @property
    def townships(self) -> Mapping[str, str | None]:
        """id -> township code (None for entities outside any township)."""
        return _AttrView(self.nodes, "township")

    def add(self, entity_id: str, name: str, township: str | None = None) -> None:
        """Register an entity (a node just added to the graph) under its official name.

        A new entity is in no list yet, so it is appended without looking: a common village
        name is thousands of entities nationally, and looking through the list for each was
        quadratic."""
        self._lists()[name].append(entity_id)

    def add_alias(self, entity_id: str, alias: str) -> None:
        """Register another spelling of an entity's name."""
        ids = self._lists()[alias]
        if entity_id not in ids:
            ids.append(entity_id)

    def _lists(self) -> defaultdict[str, list[str]]:
        if not isinstance(self.by_name, defaultdict):
            raise TypeError("the name index is frozen: names are added before freeze()")
        return self.by_name

    def freeze(self) -> None:
        """The build is done: keep the names in their compact, read-only form."""
        self.by_name = Names(self.by_name)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.nodes

    def resolve(self, ref: str) -> str:
        """The id that `ref` names: an id or code, a unique name or alias, or TOWNSHIP/NAME.

        Raises `UnknownEntity` (with close matches) or `AmbiguousName` (with every candidate).
        """
        ref = ref.strip()
        if ref in self.nodes:
            return ref
        scope: str | None = None
        name = ref
        if "/" in ref:
            left, name = (p.strip() for p in ref.split("/", 1))
            scope = self.resolve(left)
        candidates = list(self.by_name.get(name, []))
        if scope is not None:
            candidates = [c for c in candidates if self.townships.get(c) == scope or c == scope]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AmbiguousName(
                ref, [(c, self.names[c], self._township_name(c)) for c in sorted(candidates)]
            )
        raise UnknownEntity(ref, self.suggest(name, scope))

    def _township_name(self, entity_id: str) -> str:
        t = self.townships.get(entity_id)
        return self.names.get(t, t or "-") if t else "-"

    def suggest(self, text: str, scope: str | None = None, n: int = 3) -> list[tuple[str, str]]:
        """Close matches for a name that matched nothing: [(id, name), ...]."""
        pool = [k for k in self.by_name if text and k and (k[0] == text[0] or k[-1:] == text[-1:])]
        close = difflib.get_close_matches(text, pool or list(self.by_name), n=n * 2, cutoff=0.5)
        out: list[tuple[str, str]] = []
        for match in close:
            for c in self.by_name[match]:
                if scope is not None and self.townships.get(c) != scope:
                    continue
                if (c, self.names[c]) not in out:
                    out.append((c, self.names[c]))
        return out[:n]
