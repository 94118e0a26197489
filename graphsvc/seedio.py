"""Read a seed directory: every CSV row becomes a validated record that knows its file and line."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import yaml
from pydantic import ValidationError

from .errors import Problem
from .records import (
    TABLES,
    Alias,
    Division,
    DivisionRow,
    Entity,
    FactRow,
    Record,
    Relation,
    Source,
    columns,
)
from .schema import SCHEMA_FILE, Schema, _yaml_reason, default_schema_text, parse_schema
from .status import Rules

R = TypeVar("R", bound=Record)
T = TypeVar("T")
RULES_FILE = "rules.yaml"
REQUIRED = ("sources.csv", "divisions.csv")
STREAMED = ("divisions.csv", "relations.csv", "facts.csv")


@dataclass(frozen=True)
class Row(Generic[T]):
    """A validated record and where it came from."""

    record: T
    file: str
    line: int


@dataclass
class SeedFiles:
    """Everything read from a seed directory, before the whole is checked."""

    root: Path
    schema: Schema | None
    rules: Rules
    sources: list[Row[Source]] = field(default_factory=list)
    entities: list[Row[Entity]] = field(default_factory=list)
    aliases: list[Row[Alias]] = field(default_factory=list)
    streamed: dict[str, Path] = field(default_factory=dict)
    progress: Progress | None = None
    problems: list[Problem] = field(default_factory=list)
    data_version: str = ""
    broken_ids: set[str] = field(default_factory=set)
    has_sources: bool = True
    files: list[str] = field(default_factory=list)

    def _stream(self, name: str, model: type[R]) -> Iterator[Row[R]]:
        path = self.streamed.get(name)
        if path is None:
            return iter(())
        rows = iter_table(path, model, _display(self.root, name), self.problems, self.broken_ids)
        return rows if self.progress is None else _reported(rows, name, self.progress)

    def iter_divisions(self) -> Iterator[Row[Division]]:
        """Stream the valid rows of divisions.csv; bad rows add to `problems` as they pass."""
        for row in self._stream("divisions.csv", DivisionRow):
            rec: Division | DivisionRow = row.record
            if isinstance(rec, DivisionRow):  # a row the fast path passed on to pydantic
                yield Row(rec.record(), row.file, row.line)
            else:
                yield row  # type: ignore[misc]  # the fast path made a Division

    def iter_relations(self) -> Iterator[Row[Relation]]:
        """Stream the valid rows of relations.csv; bad rows add to `problems` as they pass."""
        return self._stream("relations.csv", Relation)

    def iter_facts(self) -> Iterator[Row[FactRow]]:
        """Stream the valid rows of facts.csv; bad rows add to `problems` as they pass."""
        return self._stream("facts.csv", FactRow)


Progress = Callable[[str, int], None]
"""Told (file name, rows read so far) every PROGRESS_EVERY rows of a streamed table."""
PROGRESS_EVERY = 50_000


def _reported(rows: Iterator[T], name: str, progress: Progress) -> Iterator[T]:
    n = 0
    for n, row in enumerate(rows, 1):
        if n % PROGRESS_EVERY == 0:
            progress(name, n)
        yield row
    if n >= PROGRESS_EVERY and n % PROGRESS_EVERY:
        progress(name, n)  # the total, once


def _display(root: Path, name: str) -> str:
    return str(root / name)


def _pydantic_problems(exc: ValidationError, file: str, line: int) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            out.append(Problem(file, line, "unknown column", "remove it or fix its header", loc))
        elif err["type"] == "missing" or (err["type"] == "string_type" and err["input"] is None):
            out.append(Problem(file, line, "is empty but required", "fill it in", loc))
        else:
            value = err.get("input")
            shown = f" (got '{value}')" if value not in (None, "") else ""
            out.append(Problem(file, line, f"{msg}{shown}", "correct the value", loc))
    return out


def read_table(
    path: Path, model: type[R], shown: str, broken: set[str] | None = None
) -> tuple[list[Row[R]], list[Problem]]:
    """Read one CSV table: validate each row into `model`; report every bad row.

    The id (or code) cell of each row that fails goes into `broken`, so that references to it
    are not reported a second time.
    """
    problems: list[Problem] = []
    rows = list(iter_table(path, model, shown, problems, broken))
    return rows, problems


def iter_table(
    path: Path,
    model: type[R],
    shown: str,
    problems: list[Problem],
    broken: set[str] | None = None,
) -> Iterator[Row[R]]:
    """Stream the valid rows of one CSV table; append a Problem for each bad row or header."""
    bad_line: list[int] = []
    reader = csv.reader(_decoded_lines(path, bad_line))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        if not bad_line:
            problems.append(
                Problem(
                    shown,
                    1,
                    "is empty",
                    f"start it with the header row: {','.join(columns(model))}",
                )
            )
        else:
            problems.append(_not_utf8(shown, bad_line[0]))
        return
    expected = columns(model)
    required = [
        c for c, f in zip(expected, model.model_fields.values(), strict=True) if f.is_required()
    ]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        problems.append(
            Problem(
                shown,
                1,
                "header has " + " and ".join(parts),
                f"the columns are: {','.join(expected)}",
            )
        )
        return
    fast = getattr(model, "fast", None)
    start = 2
    for cells in reader:
        line = start
        start = reader.line_num + 1
        if not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"has {len(cells)} cells but the header has {len(header)}",
                    "quote cells that contain commas",
                )
            )
            continue
        data = dict(zip(header, cells, strict=False))
        if fast is not None:
            record = fast(data)
            if record is not None:
                yield Row(record, shown, line)
                continue
        try:
            yield Row(model.model_validate(data), shown, line)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, shown, line))
            if broken is not None:
                broken.update(data[k].strip() for k in ("id", "code") if data.get(k))
    if bad_line:
        problems.append(_not_utf8(shown, bad_line[0]))


def _not_utf8(shown: str, line: int) -> Problem:
    return Problem(shown, line, "is not UTF-8 text",
                   "save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)")


def _decoded_lines(path: Path, bad_line: list[int]) -> Iterator[str]:
    """The lines of a UTF-8 file (a BOM dropped), streamed; stops at the first line that is not
    UTF-8 and records its number in `bad_line`."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_line.append(n)
                return
            yield text.removeprefix("\ufeff") if n == 1 else text


def read_rules(path: Path, shown: str) -> tuple[Rules, list[Problem]]:
    """Read the status rules, or the empty rule set when the file is absent."""
    if not path.exists():
        return Rules(), []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return Rules(), [
            Problem(
                shown,
                mark.line + 1 if mark else 0,
                f"not valid YAML: {_yaml_reason(exc)}",
                "fix the YAML syntax",
            )
        ]
    try:
        return Rules.model_validate(data), []
    except ValidationError as exc:
        return Rules(), [
            Problem(
                shown,
                0,
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
                "see docs/seed-format.md, rules.yaml",
            )
            for e in exc.errors()
        ]


def seed_version(root: Path) -> tuple[str, list[str]]:
    """The data version of a seed directory (a content hash of its files) and the files read.

    Cheap next to a load: it hashes bytes and parses nothing.
    """
    digest = hashlib.sha256()
    files = []
    for name in sorted([*TABLES, SCHEMA_FILE, RULES_FILE]):
        path = root / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
            files.append(name)
    if SCHEMA_FILE not in files:
        digest.update(default_schema_text().encode())
    return digest.hexdigest()[:16], files


def read_seed(root: Path, progress: Progress | None = None) -> SeedFiles:
    """Read and validate every file of a seed directory, row by row; collect every problem."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise FileNotFoundError(f"seed directory not found: {root}")
    schema_path = root / SCHEMA_FILE
    if schema_path.exists():
        schema, sp = parse_schema(
            schema_path.read_text(encoding="utf-8"), _display(root, SCHEMA_FILE)
        )
    else:
        schema, sp = parse_schema(default_schema_text(), "graphsvc/" + SCHEMA_FILE)
    problems += sp
    rules, rp = read_rules(root / RULES_FILE, _display(root, RULES_FILE))
    problems += rp
    seed = SeedFiles(root=root, schema=schema, rules=rules, progress=progress)
    seed.data_version, seed.files = seed_version(root)
    for name, model in TABLES.items():
        path = root / name
        shown = _display(root, name)
        if not path.exists():
            if name == "sources.csv":
                seed.has_sources = False
            if name in REQUIRED:
                problems.append(
                    Problem(
                        shown,
                        0,
                        "is missing",
                        f"every seed needs {' and '.join(REQUIRED)}; "
                        "`graphsvc import-divisions` writes both",
                    )
                )
            continue
        if name in STREAMED:  # the big ones: read once by the builder, never held
            seed.streamed[name] = path
            continue
        rows, tp = read_table(path, model, shown, seed.broken_ids)
        problems += tp
        getattr(seed, name.removesuffix(".csv")).extend(rows)
    seed.problems = problems
    return seed
