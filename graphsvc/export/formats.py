"""The export formats: one writer protocol, one registry.

A format is a module (`graphml`, `gexf`, `jsonfmt`, `csvfmt`, `neo4j`) that declares one
`Format` with its writer. Every writer has the same signature::

    def write(p: Prepared, files: Files, ctx: ExportContext) -> None

It opens each file it writes by name through `files` (`with files.open("nodes.csv") as fh`)
and never decides where the bytes go: a path, a directory, an open file, standard output or a
zip for an HTTP download are all `Files` made by the dispatcher (`graphsvc.export.export`).
Adding a format is one module and one line in `FORMATS`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from graphsvc.export.prepare import Prepared


class Files(Protocol):
    """Where a writer's files go; each is opened once, by its name, as a binary stream."""

    def open(self, name: str) -> AbstractContextManager[BinaryIO]: ...


@dataclass(frozen=True)
class ExportContext:
    """What a writer may need besides the prepared graph: the status year, graph-level
    attributes (generator, data version, status year) and the format's own options."""

    year: int | None = None
    graph_attrs: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


class Writer(Protocol):
    """Writes a prepared graph as one format's files."""

    def __call__(self, p: Prepared, files: Files, ctx: ExportContext) -> None: ...


@dataclass(frozen=True)
class Format:
    """One export format: the files it writes (one, or several that go in a directory), its
    media type, file suffix, description and writer."""

    name: str
    files: tuple[str, ...]
    media_type: str
    description: str
    write: Writer
    options: tuple[str, ...] = ()
    """Format-only options (others are refused), e.g. graphml's `edge_types`."""

    @property
    def multi_file(self) -> bool:
        """Whether the format writes several files (into a directory; a zip over HTTP)."""
        return len(self.files) > 1

    @property
    def suffix(self) -> str:
        """The file suffix of a one-file format ("" for a directory of files)."""
        return "" if self.multi_file else "." + self.files[0].rpartition(".")[2]


@contextmanager
def text_stream(out: BinaryIO, encoding: str) -> Iterator[io.TextIOWrapper]:
    """A text view of a binary stream for the csv module (no newline translation); the
    binary stream stays open for its owner."""
    fh = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=False)
    try:
        yield fh
        fh.flush()
    finally:
        fh.detach()
