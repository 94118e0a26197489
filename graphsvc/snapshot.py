"""Snapshots: the built network cached next to its seed, keyed by the data version.

A snapshot is only ever a faster way to get what a load would build: it is looked up by the
seed's current content hash (so any edit to a seed file makes it stale), its bytes carry their
own SHA-256 (so a truncated or corrupt file is detected before unpickling), and anything wrong
with it means a normal load, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("graphsvc.snapshot")

FORMAT = 1
CACHE_DIR = ".graphsvc-cache"
MAGIC = b"GRAPHSVC-SNAPSHOT"


def _code_version() -> str:
    from . import __version__

    return __version__


def snapshot_dir(seed_dir: Path) -> Path:
    """Where snapshots of a seed live: beside it, or in the user cache when it is read-only."""
    beside = seed_dir / CACHE_DIR
    if os.access(seed_dir, os.W_OK) or beside.is_dir():
        return beside
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphsvc"
    key = hashlib.sha256(str(seed_dir.resolve()).encode()).hexdigest()[:16]
    return base / key


def snapshot_path(seed_dir: Path, data_version: str) -> Path:
    """The file a snapshot of this data version (built by this graphsvc) would be in."""
    name = f"network-{data_version}-v{_code_version()}-f{FORMAT}.pickle"
    return snapshot_dir(seed_dir) / name


def read_snapshot(seed_dir: Path, data_version: str) -> dict[str, Any] | None:
    """The parts of a network saved for this data version, or None (absent, stale or corrupt)."""
    path = snapshot_path(seed_dir, data_version)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        cut = blob.index(b"\n")
        magic, version, digest = blob[:cut].split(b" ")
        payload = memoryview(blob)[cut + 1 :]  # no copy of a file that may be hundreds of MB
        if magic != MAGIC or version.decode() != data_version:
            raise ValueError("header does not match")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            raise ValueError("checksum does not match: the file is truncated or corrupt")
        parts = pickle.loads(payload)
        if not isinstance(parts, dict) or parts.get("data_version") != data_version:
            raise ValueError("content does not match its name")
        return parts
    except Exception as exc:  # a snapshot is never trusted: any failure means "rebuild"
        log.warning("ignoring snapshot %s: %s", path, exc)
        return None


def write_snapshot(seed_dir: Path, data_version: str, parts: dict[str, Any]) -> Path | None:
    """Save the parts of a built network; atomic (temp file + rename), best effort."""
    path = snapshot_path(seed_dir, data_version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(payload).hexdigest()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"%s %s %s\n" % (MAGIC, data_version.encode(), digest.encode()))
            fh.write(payload)
        os.replace(tmp, path)
        for old in path.parent.glob("network-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        return path
    except OSError as exc:
        log.warning("could not write snapshot %s: %s", path, exc)
        return None
