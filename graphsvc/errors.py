"""One family of exceptions, and the problem records they carry."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in a seed directory, with where and how to fix it.

    `caused` holds the problems this one causes elsewhere (a table that could not be read
    makes every reference to its rows unknown): they are reported under it, not beside it.
    """

    file: str
    line: int
    message: str
    hint: str = ""
    field: str = ""
    caused: tuple[Problem, ...] = dataclasses.field(default=(), compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"field '{self.field}': {self.message}" if self.field else self.message
        return f"{where}: {what}" + (f" — {self.hint}" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form; a root cause also has `caused_count` and `caused` (the problems
        it causes, each in this form)."""
        out: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "text": str(self),
        }
        if self.caused:
            out["caused_count"] = len(self.caused)
            out["caused"] = [c.as_dict() for c in self.caused]
        return out

    def caused_text(self) -> str:
        """"… and N errors caused by this", or ""."""
        n = len(self.caused)
        return f"… and {n} error{'s' if n != 1 else ''} caused by this" if n else ""


ENTITY_TABLES = ("divisions.csv", "entities.csv", "aliases.csv")


def _caused_by(root: Problem, p: Problem) -> bool:
    """Whether `p` is a consequence of `root` (a seed file that was lost, wholly or in part)."""
    name = root.file.rsplit("/", 1)[-1]
    if p.file == root.file:
        return False
    if name in ENTITY_TABLES:
        return p.message.startswith("unknown entity") or (
            p.field == "parent" and p.message.startswith("unknown ")
        )
    if name == "sources.csv":
        return p.message.startswith("unknown source")
    return False


def collapse(problems: Iterable[Problem], roots: Iterable[Problem]) -> list[Problem]:
    """The problems with the consequences of each root cause moved under it (`caused`)."""
    roots = list(roots)
    problems = list(problems)
    if not roots:
        return problems
    under: dict[int, list[Problem]] = {id(r): [] for r in roots}
    rest = []
    for p in problems:
        root = next((r for r in roots if p is not r and _caused_by(r, p)), None)
        if root is None:
            rest.append(p)
        else:
            under[id(root)].append(p)
    out = []
    for p in rest:
        caused = under.get(id(p))
        out.append(replace(p, caused=tuple(sorted(caused))) if caused else p)
    return out


class GraphsvcError(Exception):
    """Base class of every error graphsvc raises on purpose."""


class InvalidSeed(GraphsvcError):
    """A seed directory has errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings or [])
        n = len(self.problems)
        lines = "\n".join(
            f"  {p}" + (f"\n    {p.caused_text()}" if p.caused else "") for p in self.problems[:50]
        )
        more = f"\n  ... and {n - 50} more" if n > 50 else ""
        super().__init__(f"{n} error{'s' if n != 1 else ''} in seed:\n{lines}{more}")


class UnknownEntity(GraphsvcError, KeyError):
    """An id, code or name matches no entity; `suggestions` holds close matches."""

    def __init__(self, ref: str, suggestions: list[tuple[str, str]] | None = None) -> None:
        self.ref = ref
        self.suggestions = suggestions or []
        hint = ""
        if self.suggestions:
            hint = " (did you mean " + ", ".join(f"{i} {n}" for i, n in self.suggestions) + "?)"
        super().__init__(f"unknown entity '{ref}'{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousName(GraphsvcError, KeyError):
    """A name matches several entities; `candidates` lists them."""

    def __init__(self, ref: str, candidates: list[tuple[str, str, str]]) -> None:
        self.ref = ref
        self.candidates = candidates
        listed = "; ".join(f"{i} {n} ({t})" for i, n, t in candidates)
        super().__init__(f"name '{ref}' matches {len(candidates)} entities: {listed}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownCommunity(GraphsvcError, KeyError):
    """A community id that the communities do not list (`total` of them, numbered from 1)."""

    def __init__(self, id: object, total: int) -> None:
        self.id = id
        self.total = total
        listed = (f"they are numbered 1 to {total}, largest first" if total else
                  "there are none (no links but administrative ones)")
        super().__init__(f"unknown community {id!r}: {listed}")

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidQuery(GraphsvcError, ValueError):
    """A query got an option it cannot use; the message lists the valid values."""
