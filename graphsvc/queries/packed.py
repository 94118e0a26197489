"""Read-only tables held in a few flat blocks instead of millions of objects.

The search index's one-character variant keys are 1.27 million short strings nationally. As a
dict they are 1.4 million objects that a start from a snapshot unpickles one by one (about
0.7 s of every start) and that take about 100 MB. :class:`PackedTable` holds the same keys
sorted in one string, their values in another, and where each begins in two arrays: reading it
back from a snapshot copies four blocks. A lookup is a binary search, a few microseconds,
which suits tables looked up a few times per request (not one lookup per candidate).
:class:`ModelRows` does the same for the rows of a whole answer, kept as JSON.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel

Value = str | tuple[str, ...]
"""One text, or several (the `Spellings` of the search index)."""

SEP = "\x1f"
"""Between the texts of a value. A seed cell can hold no control character (the reader
refuses them), so no name or alias contains it."""


class PackedTable:
    """An immutable mapping from text to a text or a tuple of texts.

    >>> t = PackedTable({"b": "x", "a": ("y", "z")})
    >>> t.get("a"), t.get("b"), t.get("c"), len(t)
    (('y', 'z'), 'x', None, 2)
    """

    __slots__ = ("_keys", "_key_ends", "_values", "_value_ends")

    def __init__(self, table: Mapping[str, Value]) -> None:
        keys = sorted(table)
        values = []
        for k in keys:
            v = table[k]
            texts = (v,) if isinstance(v, str) else v
            if not texts or any(SEP in t for t in texts):
                raise ValueError(f"cannot pack the value of {k!r}: {v!r}")
            # one text as it is; a tuple (even of one) after a SEP, its texts joined by SEP
            values.append(v if isinstance(v, str) else SEP + SEP.join(v))
        self._keys = "".join(keys)
        self._key_ends = _ends(keys)
        self._values = "".join(values)
        self._value_ends = _ends(values)

    def _key(self, i: int) -> str:
        ends = self._key_ends
        return self._keys[ends[i - 1] if i else 0:ends[i]]

    def get(self, key: str, default: Value | None = None) -> Value | None:
        """The value of `key`, or `default`."""
        lo, hi = 0, len(self._key_ends)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(self._key_ends) or self._key(lo) != key:
            return default
        ends = self._value_ends
        text = self._values[ends[lo - 1] if lo else 0:ends[lo]]
        return tuple(text[1:].split(SEP)) if text.startswith(SEP) else text

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return len(self._key_ends)

    def __iter__(self) -> Iterator[str]:
        return (self._key(i) for i in range(len(self)))

    def items(self) -> Iterator[tuple[str, Value]]:
        """(key, value) in key order."""
        for key in self:
            value = self.get(key)
            assert value is not None
            yield key, value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PackedTable):
            return NotImplemented
        return (self._keys, self._key_ends, self._values, self._value_ends) == (
            other._keys, other._key_ends, other._values, other._value_ends)

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[str, array[int], str, array[int]]:
        return self._keys, self._key_ends, self._values, self._value_ends

    def __setstate__(self, state: tuple[str, array[int], str, array[int]]) -> None:
        self._keys, self._key_ends, self._values, self._value_ends = state


def _ends(texts: Sequence[Sized]) -> array[int]:
    """Where each text ends in their concatenation (in characters, or bytes)."""
    out = array("q")
    at = 0
    for t in texts:
        at += len(t)
        out.append(at)
    return out


M = TypeVar("M", bound=BaseModel)


class ModelRows(Generic[M]):
    """A read-only list of pydantic models kept as their JSON in one block of bytes.

    The rows of a whole answer (41,352 townships nationally) are a dozen objects each as
    models: a snapshot of the warm answers held 745,000 of them for coverage and gaps alone,
    unpickled at every start. As JSON they are one block, and a page validates its own rows
    back into models (a few microseconds each).

    >>> from graphsvc.queries.common import EntityRef
    >>> rows = ModelRows(EntityRef, [EntityRef(id="a", name="甲", kind="village")])
    >>> len(rows), rows[0].name, rows[0:5][0].id
    (1, '甲', 'a')
    """

    __slots__ = ("_model", "_json", "_ends")

    def __init__(self, model: type[M], rows: Iterable[M]) -> None:
        self._model = model
        blocks = [r.model_dump_json().encode() for r in rows]
        self._json = b"".join(blocks)
        self._ends = _ends(blocks)

    def __len__(self) -> int:
        return len(self._ends)

    def _row(self, i: int) -> M:
        ends = self._ends
        return self._model.model_validate_json(self._json[ends[i - 1] if i else 0:ends[i]])

    @overload
    def __getitem__(self, i: int) -> M: ...

    @overload
    def __getitem__(self, i: slice) -> list[M]: ...

    def __getitem__(self, i: int | slice) -> M | list[M]:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("row index out of range")
        return self._row(i)

    def __iter__(self) -> Iterator[M]:
        return (self._row(i) for i in range(len(self)))

    def __getstate__(self) -> tuple[type[M], bytes, array[int]]:
        return self._model, self._json, self._ends

    def __setstate__(self, state: tuple[type[M], bytes, array[int]]) -> None:
        self._model, self._json, self._ends = state


class PairLists(Mapping[str, list[tuple[str, str]]]):
    """A read-only dict of lists of pairs, each list kept as one flat tuple (a, b, a, b, ...).

    The organisation indexes (members of each organisation, organisations of each member) are
    244,000 pairs each nationally: as lists of 2-tuples they were 730,000 objects for a start
    to read back from its snapshot; flat, one per key. `get` makes the list of pairs again.

    >>> p = PairLists({"org": [("v1", "e1"), ("v2", "e2")]})
    >>> p.get("org"), p.get("none"), len(p)
    ([('v1', 'e1'), ('v2', 'e2')], None, 1)
    """

    __slots__ = ("_flat",)

    def __init__(self, lists: Mapping[str, list[tuple[str, str]]]) -> None:
        self._flat = {k: tuple(x for pair in v for x in pair) for k, v in lists.items()}

    def get(self, key: str, default: Any = None) -> Any:
        """The pairs of `key`, or `default`."""
        flat = self._flat.get(key)
        if flat is None:
            return default
        return list(zip(flat[0::2], flat[1::2], strict=True))

    def __getitem__(self, key: str) -> list[tuple[str, str]]:
        flat = self._flat[key]
        return list(zip(flat[0::2], flat[1::2], strict=True))

    def __contains__(self, key: object) -> bool:
        return key in self._flat

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat)

    def __len__(self) -> int:
        return len(self._flat)

    def __getstate__(self) -> dict[str, tuple[str, ...]]:
        return self._flat

    def __setstate__(self, state: dict[str, tuple[str, ...]]) -> None:
        self._flat = state
