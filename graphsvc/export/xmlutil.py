"""Escaping and buffered output shared by the XML writers (GraphML, GEXF)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import BinaryIO, TypeVar

from graphsvc.export.prepare import Scalar

TEXT_SPECIAL = re.compile("[&<>\r]")
ATTR_SPECIAL = re.compile('[&<>"\t\n\r]')
TEXT_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
T = TypeVar("T")
_ATTR_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                             "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


def esc_text(s: str) -> str:
    """Escape a cleaned string for element content (CR kept as a character reference)."""
    return s.translate(TEXT_TABLE) if TEXT_SPECIAL.search(s) else s


def esc_attr(s: str) -> str:
    """Escape a cleaned string for a double-quoted attribute value (whitespace kept exactly)."""
    return s.translate(_ATTR_TABLE) if ATTR_SPECIAL.search(s) else s


def fmt_value(v: Scalar) -> str:
    """A typed value as XML Schema text: true/false, integers, round-trip floats."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of `size` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Sink:
    """Collects strings and writes them UTF-8 encoded in large blocks (streaming, low overhead)."""

    def __init__(self, out: BinaryIO, block: int = 4096) -> None:
        self.out = out
        self.buf: list[str] = []
        self.block = block

    def add(self, s: str) -> None:
        """Queue one piece of text, flushing when the block is full."""
        self.buf.append(s)
        if len(self.buf) >= self.block:
            self.flush()

    def write(self, pieces: list[str]) -> None:
        """Write out what is queued, then these pieces (a writer's own block of text)."""
        self.flush()
        self.out.write("".join(pieces).encode("utf-8"))

    def flush(self) -> None:
        """Write out what is queued."""
        if self.buf:
            self.out.write("".join(self.buf).encode("utf-8"))
            self.buf = []
