"""Exports as downloads: one file per format (CSV as a zip of nodes and edges); no FastAPI here."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from graphsvc.export import FORMATS, ZipFiles, write_files
from graphsvc.network import Network

SPOOL_BYTES = 8 * 1024 * 1024  # exports up to this size stay in memory, larger ones go to disk
HTTP_FORMATS = ("graphml", "gexf", "json", "csv")


@dataclass
class Download:
    """An export ready to send: the open file (at its start), media type and file name."""

    body: IO[bytes]
    media_type: str
    filename: str


def render(net: Network, fmt: str, **filters: Any) -> Download:
    """Write the (filtered) network as `fmt` into a spooled temporary file; blocking."""
    spec = FORMATS[fmt]
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        if spec.multi_file:  # the files of a directory format go out as one zip
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                write_files(net, fmt, ZipFiles(zf), **filters)
            media_type, suffix = "application/zip", f"-{fmt}.zip"
        else:
            net.export(fmt, out, **filters)
            media_type, suffix = spec.media_type, spec.suffix
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return Download(out, media_type, f"graphsvc-{net.data_version}{suffix}")


def chunks(body: IO[bytes], size: int = 64 * 1024) -> Any:
    """The file in chunks, closed at the end (a generator for a streaming response)."""
    try:
        while block := body.read(size):
            yield block
    finally:
        body.close()
