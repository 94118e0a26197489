"""Read a seed directory: every CSV row becomes a validated record that knows its file and line."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

from pydantic import ValidationError

from graphsvc.errors import Problem
from graphsvc.model.records import (
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
from graphsvc.model.schema import (
    SCHEMA_FILE,
    Schema,
    default_schema,
    default_schema_text,
    parse_schema_file,
)
from graphsvc.model.status import Rules
from graphsvc.model.yamlfile import node_line, parse_yaml, validation_problems

R = TypeVar("R", bound=Record)
T = TypeVar("T")
RULES_FILE = "rules.yaml"
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
    roots: list[Problem] = field(default_factory=list)

    def _stream(self, name: str, model: type[R]) -> Iterator[Row[R]]:
        path = self.streamed.get(name)
        if path is None:
            return iter(())
        rows = iter_table(path, model, _display(self.root, name), self.problems, self.broken_ids,
                          self.roots)
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


MAX_CELL = 131_072
"""The longest cell, in characters (the csv module's own limit): a longer one is an error."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a cell may not hold: every C0 and C1 control but tab (which is kept as
whitespace), and line breaks, which only end a row."""
QUOTE_HINT = (
    'a cell that starts with a quote must end with one, and a quote inside a quoted cell is '
    'written twice: "say ""hi""". Cells may not hold line breaks'
)


@dataclass
class _Lines:
    """What decoding a file's lines found on the way (line numbers, 1-based)."""

    not_utf8: int = 0
    control: list[int] = field(default_factory=list)
    no_line_end: int = 0


def _decoded_lines(fh: BinaryIO, found: _Lines) -> Iterator[str]:
    """The lines of a UTF-8 file (a BOM dropped), streamed in blocks of whole lines. Stops at
    the first line that is not UTF-8; notes lines with control characters and a last line
    without its line end. Decoding and the control-character search run once per block, not
    once per line: the big tables cost no more to read strictly."""
    n = 0  # lines before this block
    buf = b""
    while True:
        block = fh.read(BLOCK)
        if block:
            buf += block
            cut = buf.rfind(b"\n") + 1
            if not cut:
                continue  # a line longer than a block: read on
            chunk, buf = buf[:cut], buf[cut:]
        else:
            chunk, buf = buf, b""
            if not chunk:
                return
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            yield from _lines_until_not_utf8(chunk, n, found)
            return
        if n == 0:
            text = text.removeprefix("\ufeff")
        if CONTROL.search(text):
            for m in CONTROL.finditer(text):
                line = n + text.count("\n", 0, m.start()) + 1
                if not found.control or found.control[-1] != line:
                    found.control.append(line)
        lines = text.count("\n")
        if not block and not text.endswith("\n"):
            found.no_line_end = n + lines + 1
        n += lines
        yield from io.StringIO(text, newline="\n")


BLOCK = 1 << 20


def _lines_until_not_utf8(chunk: bytes, n: int, found: _Lines) -> Iterator[str]:
    """The lines of a block up to the first that is not UTF-8, whose number goes to `found`."""
    for i, raw in enumerate(chunk.split(b"\n")):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            found.not_utf8 = n + i + 1
            return
        if n + i == 0:
            text = text.removeprefix("\ufeff")
        if CONTROL.search(text):
            found.control.append(n + i + 1)
        yield text + "\n"


def _column(header: list[str], i: int) -> str:
    """The name of column i (for a problem's field), or its number when there is no header."""
    return header[i] if i < len(header) and header[i] else f"column {i + 1}"


def _control_problem(shown: str, line: int, cells: list[str], header: list[str]) -> Problem:
    for i, cell in enumerate(cells):
        m = CONTROL.search(cell)
        if m:
            return Problem(shown, line, f"holds {_control_name(m.group())}",
                           "remove it: control characters are invisible in most editors "
                           "(tabs are allowed)", _column(header, i))
    return Problem(shown, line, "holds a control character", "remove it")


def _control_name(ch: str) -> str:
    return {"\x00": "a NUL byte", "\x7f": "a DEL character"}.get(
        ch, f"a control character (U+{ord(ch):04X})"
    )


def _csv_error(exc: csv.Error, shown: str, first: int, last: int) -> Problem:
    """A csv module error, in the words of someone editing the file."""
    msg = str(exc)
    if "field larger than field limit" in msg:
        return Problem(
            shown, last, f"a cell is longer than {MAX_CELL:,} characters",
            "cells hold names, codes and short notes: shorten it, or check that this is the "
            "right file" + (f" (a quote opened on line {first} may have swallowed the lines "
                            f"after it)" if last > first else ""),
        )
    if "unexpected end of data" in msg:
        swallowed = (f"lines {first}–{last} (the rest of the file) were read as one cell"
                     if last > first else "it runs to the end of the file")
        return Problem(shown, first, f"a quote opened on line {first} is never closed: "
                       + swallowed, QUOTE_HINT)
    if "expected after" in msg:
        if last > first:
            return Problem(
                shown, first,
                f"a quote opened on line {first} runs on to line {last}: lines {first}–{last} "
                "were read as one row", QUOTE_HINT,
            )
        return Problem(shown, first, "text follows the closing quote of a cell", QUOTE_HINT)
    if "new-line character" in msg:
        return Problem(shown, last, "a carriage return (CR) inside a cell",
                       "remove it; save the file with CRLF or LF line ends")
    return Problem(shown, first, f"cannot be read as CSV: {msg}", QUOTE_HINT)


def _rows(
    path: Path,
    shown: str,
    problems: list[Problem],
    roots: list[Problem] | None,
    found: _Lines,
    broken: set[str] | None,
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every row of a CSV file, the header first, read strictly.

    Rows that are not well-formed CSV, span several lines or hold control characters are
    reported and not yielded; a file that cannot be read or decoded is reported (as a root
    cause, in `roots`) and yields what came before.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        problems.append(_unreadable(shown, exc))
        if roots is not None:
            roots.append(problems[-1])
        return
    with fh:
        reader = csv.reader(_decoded_lines(fh, found), strict=True)
        control = found.control  # ascending line numbers, filled a block ahead of the rows
        seen = 0  # control[:seen] lie before the current row
        last = 0
        header: list[str] = []
        keys: list[int] = []  # the id and code columns

        def lost(cells: list[str]) -> None:  # references to a rejected row are not errors again
            if broken is not None:
                broken.update(cells[i].strip() for i in keys if i < len(cells) and cells[i])
        while True:
            first = last + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                last = reader.line_num
                problems.append(_csv_error(exc, shown, first, last))
                if roots is not None and "never closed" in problems[-1].message:
                    roots.append(problems[-1])
                continue
            except OSError as exc:
                problems.append(_unreadable(shown, exc))
                if roots is not None:
                    roots.append(problems[-1])
                return
            last = reader.line_num
            if last != first:  # one row over several lines: a quote that swallowed some
                col = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), 0)
                problems.append(Problem(
                    shown, first,
                    f"a quoted cell runs over lines {first}–{last}: a quote opened on line "
                    f"{first} swallows {last - first} line(s) into one cell",
                    QUOTE_HINT, _column(header, col),
                ))
                if roots is not None:  # the swallowed rows are lost: their references fail
                    roots.append(problems[-1])
                lost(cells)
                continue
            if seen < len(control):
                while seen < len(control) and control[seen] < first:
                    seen += 1
                if seen < len(control) and control[seen] <= last:
                    problems.append(_control_problem(shown, first, cells, header))
                    lost(cells)
                    continue
            if not header:
                header = [h.strip() for h in cells]
                keys = [i for i, h in enumerate(header) if h in ("id", "code")]
            yield first, cells
        if found.not_utf8:
            problems.append(_not_utf8(shown, found.not_utf8))
            if roots is not None:
                roots.append(problems[-1])


def iter_table(
    path: Path,
    model: type[R],
    shown: str,
    problems: list[Problem],
    broken: set[str] | None = None,
    roots: list[Problem] | None = None,
) -> Iterator[Row[R]]:
    """Stream the valid rows of one CSV table; append a Problem for each bad row or header.

    A problem that loses the whole table, or the rest of it (the file cannot be read, is
    empty, is not UTF-8, has a broken header or an unclosed quote), is also added to `roots`:
    problems it causes elsewhere are reported under it.
    """
    found = _Lines()
    rows = _rows(path, shown, problems, roots, found, broken)
    header_line, raw_header = next(rows, (0, []))
    header = [h.strip() for h in raw_header]
    expected = columns(model)
    if not any(header):
        if header_line == 0 and not any(p.file == shown for p in problems):
            problem = Problem(shown, 1, "is empty",
                              f"start it with the header row: {','.join(expected)}")
        elif header_line == 0:
            return  # the file's own problem (unreadable, not UTF-8...) is reported
        else:
            problem = Problem(shown, header_line, "has no header row",
                              f"start it with the header row: {','.join(expected)}")
        problems.append(problem)
        if roots is not None:
            roots.append(problem)
        return
    required = [
        c for c, f in zip(expected, model.model_fields.values(), strict=True) if f.is_required()
    ]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in expected]
    twice = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or twice:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(u or repr(u) for u in unknown)}")
        if twice:
            parts.append(f"column(s) {', '.join(twice)} more than once")
        problems.append(
            Problem(
                shown,
                header_line,
                "header has " + " and ".join(parts),
                f"the columns are: {','.join(expected)}",
            )
        )
        if roots is not None:
            roots.append(problems[-1])
        for _ in rows:  # the rows still go through the strict reading: its problems count
            pass
        return
    fast_reader = getattr(model, "fast_reader", None)
    fast = fast_reader(header) if fast_reader is not None else None
    ncols = len(header)
    if header_line == found.no_line_end:
        problems.append(_no_line_end(shown, header_line, "the header row"))
    for line, cells in rows:
        first_cell = cells[0].lstrip() if cells else ""
        if first_cell.startswith("#") or (not first_cell and not "".join(cells).strip()):
            continue  # a comment, or a blank row (joined only when its first cell is blank)
        if len(cells) != ncols or line == found.no_line_end:
            problems.append(_cell_count(shown, line, len(cells), ncols, found.no_line_end))
            if broken is not None:
                broken.update(c.strip() for h, c in zip(header, cells, strict=False)
                              if h in ("id", "code") and c.strip())
            continue
        if fast is not None:
            record = fast(cells)
            if record is not None:
                yield Row(record, shown, line)
                continue
        data = dict(zip(header, cells, strict=True))
        try:
            yield Row(model.model_validate(data), shown, line)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, shown, line))
            if broken is not None:
                broken.update(data[k].strip() for k in ("id", "code") if data.get(k))


def _no_line_end(shown: str, line: int, what: str) -> Problem:
    return Problem(
        shown, line,
        f"{what} has no line end: the file may be cut off (saved half-way?)",
        "if the file is complete, end its last line with a line break; otherwise restore it "
        "from a full copy",
    )


def _cell_count(shown: str, line: int, got: int, want: int, no_line_end: int) -> Problem:
    if got == want:  # the last row, complete but without its line end
        return _no_line_end(shown, line, "the last row")
    if got > want:
        return Problem(shown, line, f"has {got} cells but the header has {want}",
                       "quote cells that contain commas")
    if no_line_end == line:  # only the last line of a file can lack its line end
        return Problem(
            shown, line,
            f"the last row has {got} of {want} cells and no line end: the file looks cut off "
            "(saved half-way?)",
            "restore the file from a full copy, or complete the row and end it with a line break",
        )
    return Problem(shown, line, f"has {got} cells but the header has {want}",
                   "every row needs a cell for each column: add the missing commas "
                   "(empty cells are fine)")


def _unreadable(shown: str, exc: OSError) -> Problem:
    return Problem(shown, 0, f"cannot be read: {exc.strerror or exc}",
                   "check the file's permissions (and that it is a plain file)")


def _not_utf8(shown: str, line: int) -> Problem:
    return Problem(shown, line, "is not UTF-8 text",
                   "save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)")


NO_RULES_HINT = (
    "write the rules (see docs/seed-format.md, rules.yaml); if there are none, say so "
    "explicitly with the two lines `weak: []` and `strong: []`"
)


def read_rules(path: Path, shown: str, schema: Schema | None = None
               ) -> tuple[Rules, list[Problem]]:
    """Read and check the status rules (their fact types against the schema). An empty file,
    or one without both `weak` and `strong`, is an error: "no rules" is written `weak: []`
    and `strong: []`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Rules(), [_unreadable(shown, exc)]
    data, node, problems = parse_yaml(raw, shown, NO_RULES_HINT)
    if problems:
        return Rules(), problems
    if isinstance(data, dict):
        absent = [k for k in ("weak", "strong") if k not in data]
        if absent:
            return Rules(), [Problem(shown, node_line(node, ()),
                                     f"has no {' and no '.join(absent)} rules", NO_RULES_HINT)]
    try:
        return Rules.model_validate(data, context={"schema": schema}), []
    except ValidationError as exc:
        return Rules(), validation_problems(exc, node, shown, "see docs/seed-format.md, rules.yaml")


def file_problem(path: Path, shown: str) -> Problem | None:
    """Why a seed file cannot be read (missing, a directory, a symbolic link loop or to
    nothing, not a plain file, no permission), or None when it can."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Problem(shown, 0, "is missing", _MISSING_HINT.get(path.name, _MISSING_TABLE))
    except OSError as exc:
        return _unreadable(shown, exc)
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return Problem(shown, 0, "is a symbolic link loop",
                               "replace the link with the file itself")
            target = os.readlink(path)
            return Problem(shown, 0, f"is a symbolic link to {target}, which cannot be read "
                           f"({exc.strerror})", "replace the link with the file itself")
    if stat.S_ISDIR(st.st_mode):
        return Problem(shown, 0, "is a directory, not a file",
                       "put the file itself here (a directory cannot be a seed table)")
    if not stat.S_ISREG(st.st_mode):
        return Problem(shown, 0, "is not a plain file (a pipe, socket or device)",
                       "put the file itself here")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return _unreadable(shown, exc)
    return None


_MISSING_TABLE = (
    "every seed has all six tables; a table with nothing in it yet is its header row alone "
    "(see docs/seed-format.md)"
)
_MISSING_HINT = {
    "sources.csv": "every seed needs sources.csv and divisions.csv; "
    "`graphsvc import-divisions` writes both",
    "divisions.csv": "every seed needs sources.csv and divisions.csv; "
    "`graphsvc import-divisions` writes both",
    RULES_FILE: NO_RULES_HINT,
}


def seed_version(root: Path) -> tuple[str, list[str]]:
    """The data version of a seed directory (a content hash of its files) and the files read.

    Cheap next to a load: it hashes bytes and parses nothing.
    """
    digest = hashlib.sha256()
    files = []
    for name in sorted([*TABLES, SCHEMA_FILE, RULES_FILE]):
        path = root / name
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe would block: never read one
                raise IsADirectoryError(f"not a plain file: {name}")
            data = path.read_bytes()
        except FileNotFoundError:
            if not os.path.lexists(path):
                continue
            data = b"unreadable: a link to nothing"
        except OSError as exc:  # a directory, a link loop...: the load reports it
            data = f"unreadable: {exc}".encode()
        digest.update(name.encode() + b"\0")  # (in pieces: no copy of a 51 MB register)
        digest.update(data)
        digest.update(b"\0")
        files.append(name)
    if SCHEMA_FILE not in files:
        digest.update(default_schema_text().encode())
    return digest.hexdigest()[:16], files


def seed_files(root: Path) -> list[str]:
    """The files of a seed directory that `seed_version` reads (and names), without reading
    them: every seed file there is, even one that cannot be read."""
    return [name for name in sorted([*TABLES, SCHEMA_FILE, RULES_FILE])
            if os.path.lexists(root / name)]


def read_seed(root: Path, progress: Progress | None = None) -> SeedFiles:
    """Read and validate every file of a seed directory, row by row; collect every problem.

    Every table and `rules.yaml` must be there and readable (`schema.yaml` is optional: the
    packaged one stands in). Problems that lose a whole table, or the rest of it, go into
    `roots`: errors they cause elsewhere are reported under them.
    """
    problems: list[Problem] = []
    if not root.is_dir():
        raise FileNotFoundError(f"seed directory not found: {root}")
    roots: list[Problem] = []
    schema_path = root / SCHEMA_FILE
    shown = _display(root, SCHEMA_FILE)
    if os.path.lexists(schema_path):
        bad = file_problem(schema_path, shown)
        if bad is None:
            schema, sp = parse_schema_file(schema_path.read_bytes(), shown)
        else:
            schema, sp = None, [bad]
    else:
        schema, sp = default_schema(), []
    problems += sp
    shown = _display(root, RULES_FILE)
    bad = file_problem(root / RULES_FILE, shown)
    rules, rp = read_rules(root / RULES_FILE, shown, schema) if bad is None else (Rules(), [bad])
    problems += rp
    seed = SeedFiles(root=root, schema=schema, rules=rules, progress=progress)
    seed.data_version, seed.files = seed_version(root)
    seed.roots = roots
    for name, model in TABLES.items():
        path = root / name
        shown = _display(root, name)
        bad = file_problem(path, shown)
        if bad is not None:
            if name == "sources.csv":
                seed.has_sources = False
            problems.append(bad)
            roots.append(bad)
            continue
        if name in STREAMED:  # the big ones: read once by the builder, never held
            seed.streamed[name] = path
            continue
        rows, tp = _read_rows(path, model, shown, seed.broken_ids, roots)
        problems += tp
        getattr(seed, name.removesuffix(".csv")).extend(rows)
    seed.problems = problems
    return seed


def _read_rows(
    path: Path, model: type[R], shown: str, broken: set[str], roots: list[Problem]
) -> tuple[list[Row[R]], list[Problem]]:
    problems: list[Problem] = []
    return list(iter_table(path, model, shown, problems, broken, roots)), problems
