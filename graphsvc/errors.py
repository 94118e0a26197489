"""One family of exceptions, and the problem records they carry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in a seed directory, with where and how to fix it."""

    file: str
    line: int
    message: str
    hint: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"field '{self.field}': {self.message}" if self.field else self.message
        return f"{where}: {what}" + (f" — {self.hint}" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "text": str(self),
        }


class GraphsvcError(Exception):
    """Base class of every error graphsvc raises on purpose."""


class InvalidSeed(GraphsvcError):
    """A seed directory has errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings or [])
        n = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems[:50])
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


class InvalidQuery(GraphsvcError, ValueError):
    """A query got an option it cannot use; the message lists the valid values."""
