"""Snapshots: the built network cached in the user's cache directory, keyed by the data version.

A snapshot is only ever a faster way to get what a load would build. A seed folder is data,
never code, so:

- snapshots live only where the user controls them: `$XDG_CACHE_HOME/graphsvc/` (or
  `~/.cache/graphsvc/`), one directory per seed keyed by the seed's resolved path; nothing in
  or beside a seed directory is ever read as a snapshot;
- each one carries an HMAC-SHA256 of its header and bytes under a secret key kept in that
  cache directory (`snapshot.key`, mode 0600, in a 0700 directory owned by the user); the
  MAC is checked with `hmac.compare_digest` before anything is unpickled, so a file planted
  by someone without the key, a truncated or half-written one and one signed with another
  key are all ignored;
- anything wrong with it means a normal load from the seed files (and a warning), never an
  error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import pickle
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("graphsvc.loader.snapshot")

FORMAT = 6
"""3: the network's cache (indexes and answers, `graphsvc.cache`) saved with it; 4: a small
summary first (:func:`read_summary`), so that a supervisor can learn what a snapshot holds
without unpickling the network; 5: the biggest warm entries in flat forms (the search index's
variant keys, every gap of a question), read as a few blocks rather than millions of objects;
6: statuses as their names, the evidence worked out when asked for (`Statuses`)."""
CACHE_DIR = ".graphsvc-cache"
"""Where graphsvc before 0.2 left snapshots beside a seed: never read any more."""
MAGIC = b"GRAPHSVC-SNAPSHOT-HMAC"
KEY_FILE = "snapshot.key"
KEY_BYTES = 32


class UntrustedKey(Exception):
    """The snapshot key cannot be trusted or made (the message says why)."""


def _code_version() -> str:
    from graphsvc._version import __version__

    return __version__


def cache_root() -> Path:
    """The user's graphsvc cache directory: `$XDG_CACHE_HOME/graphsvc` or `~/.cache/graphsvc`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "graphsvc"


def snapshot_dir(seed_dir: Path) -> Path:
    """Where the snapshots of one seed live: in the user cache, keyed by its resolved path."""
    key = hashlib.sha256(str(Path(seed_dir).resolve()).encode()).hexdigest()[:16]
    return cache_root() / "snapshots" / key


def snapshot_path(seed_dir: Path, data_version: str) -> Path:
    """The file a snapshot of this data version (built by this graphsvc) would be in."""
    name = f"network-{data_version}-v{_code_version()}-f{FORMAT}.pickle"
    return snapshot_dir(seed_dir) / name


def _private_dir(path: Path) -> None:
    """Make `path` (and its parents) a directory; refuse one that others may write to or that
    another user owns."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.stat()
    if st.st_uid != os.getuid():
        raise UntrustedKey(f"{path} is owned by another user (uid {st.st_uid})")
    if st.st_mode & 0o022:
        raise UntrustedKey(f"{path} is writable by group or others: chmod 700 {path}")


def _check_key_file(path: Path, fd: int) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise UntrustedKey(f"{path} is not a regular file")
    if st.st_uid != os.getuid():
        raise UntrustedKey(f"{path} is owned by another user (uid {st.st_uid})")
    if st.st_mode & 0o077:
        raise UntrustedKey(
            f"{path} is readable or writable by group or others "
            f"(mode {stat.S_IMODE(st.st_mode):04o}): chmod 600 {path}, or delete it"
        )
    key = os.read(fd, KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise UntrustedKey(f"{path} does not hold a {KEY_BYTES}-byte key: delete it")
    return key


def snapshot_key(create: bool = False) -> bytes | None:
    """The secret key that signs snapshots (None when absent and not `create`).

    Raises `UntrustedKey` when the key file exists but cannot be trusted.
    """
    root = cache_root()
    path = root / KEY_FILE
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if not create:
            return None
        _private_dir(root)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | flags, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return snapshot_key(create=False)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        return snapshot_key(create=False)
    except OSError as exc:
        raise UntrustedKey(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        return _check_key_file(path, fd)
    finally:
        os.close(fd)


def _mac_start(key: bytes, data_version: str) -> Any:
    """The HMAC of a snapshot, fed its header fields (the payload follows)."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(MAGIC + b" " + data_version.encode() + b" " + _code_version().encode() + b"\n")
    return mac


@contextlib.contextmanager
def _checked(seed_dir: Path, data_version: str
             ) -> Iterator[tuple[dict[str, Any], pickle.Unpickler] | None]:
    """The snapshot's summary and an unpickler positioned after it, once the MAC has been
    checked over the whole file; None when there is no snapshot file. Raises ValueError
    when the file cannot be trusted."""
    beside = Path(seed_dir) / CACHE_DIR
    if beside.exists():
        log.warning("ignoring %s: graphsvc no longer reads snapshots from a seed directory "
                    "(they are kept in %s); it is safe to delete", beside, cache_root())
    path = snapshot_path(seed_dir, data_version)
    try:
        fh = path.open("rb")
    except OSError:
        yield None
        return
    with fh:
        key = snapshot_key()
        if key is None:
            raise ValueError(f"no key to check it with ({cache_root() / KEY_FILE} is missing)")
        header = fh.readline(len(MAGIC) + len(data_version) + 200)
        magic, version, digest = header.rstrip(b"\n").split(b" ")
        if magic != MAGIC or version.decode() != data_version or not header.endswith(b"\n"):
            raise ValueError("header does not match")
        # the MAC is checked over the whole file before a single byte is unpickled; the
        # file is read in blocks (twice) rather than held whole: at national scale that
        # is 160 MB less at the peak of a warm start
        start = fh.tell()
        before = os.fstat(fh.fileno())
        mac = _mac_start(key, data_version)
        while block := fh.read(READ_BLOCK):
            mac.update(block)
        if not hmac.compare_digest(mac.hexdigest().encode(), digest):
            raise ValueError("signature does not match: the file is truncated, corrupt, "
                             "or was not written by this user's graphsvc")
        after = os.fstat(fh.fileno())
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise ValueError("the file changed while it was being checked")
        fh.seek(start)
        reader = pickle.Unpickler(fh)
        summary = reader.load()
        if not isinstance(summary, dict) or summary.get("data_version") != data_version:
            raise ValueError("content does not match its name")
        yield summary, reader


def read_summary(seed_dir: Path, data_version: str) -> dict[str, Any] | None:
    """The summary a snapshot of this data version starts with (its `data_version`, the
    `summary` its writer gave, and `extra`: whether the extra part follows), read without
    unpickling the rest; None when there is no trustworthy snapshot."""
    try:
        with _checked(seed_dir, data_version) as found:
            return None if found is None else found[0]
    except Exception as exc:  # a snapshot is never trusted: any failure means "rebuild"
        log.warning("ignoring snapshot %s: %s", snapshot_path(seed_dir, data_version), exc)
        return None


def read_snapshot(seed_dir: Path, data_version: str,
                  extra: bool = False) -> dict[str, Any] | None:
    """The parts of a network saved for this data version, or None (absent, stale, corrupt,
    unsigned or signed with another key). With `extra`, the extra part written after them
    (see :func:`write_snapshot`) is in `parts["extra"]` when there is one; the summary its
    writer gave is in `parts["summary"]`."""
    try:
        with _checked(seed_dir, data_version) as found:
            if found is None:
                return None
            summary, reader = found
            parts = reader.load()
            if extra and isinstance(parts, dict) and summary["extra"]:
                parts["extra"] = reader.load()  # shares the objects of the first part
            if isinstance(parts, dict):
                parts["summary"] = summary.get("summary") or {}
        if not isinstance(parts, dict) or parts.get("data_version") != data_version:
            raise ValueError("content does not match its name")
        return parts
    except Exception as exc:  # a snapshot is never trusted: any failure means "rebuild"
        log.warning("ignoring snapshot %s: %s", snapshot_path(seed_dir, data_version), exc)
        return None


READ_BLOCK = 1 << 20


class _SigningWriter:
    """A file-like sink for `pickle.dump`: writes through to the file and into the MAC, so the
    pickled bytes are never held whole (160 MB at national scale)."""

    def __init__(self, fh: Any, mac: Any) -> None:
        self._fh, self._mac = fh, mac

    def write(self, data: bytes) -> int:
        self._mac.update(data)
        return int(self._fh.write(data))


def write_snapshot(seed_dir: Path, data_version: str, parts: dict[str, Any],
                   extra: Any = None, summary: dict[str, Any] | None = None) -> Path | None:
    """Save the parts of a built network, signed; atomic (temp file, fsync, rename), best
    effort: a failure is a warning.

    A small `summary` (plain data: counts, the load report) is pickled first, so that
    :func:`read_summary` can read it alone.

    `extra` (the server's warm indexes) is pickled after `parts` by the same pickler, so it
    shares their objects (node ids, names) in the file and once read; a reader that does not
    ask for it stops before it, and holds none of it."""
    path = snapshot_path(seed_dir, data_version)
    tmp = ""
    try:
        key = snapshot_key(create=True)
        assert key is not None
        _private_dir(path.parent)
        _remove_orphans(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{os.getpid()}-")
        with os.fdopen(fd, "wb") as fh:
            # the header's digest is written last, over a placeholder of its length: the
            # pickle streams through the MAC into the file
            mac = _mac_start(key, data_version)
            fh.write(b"%s %s %s\n" % (MAGIC, data_version.encode(), b"0" * mac.digest_size * 2))
            pickler = pickle.Pickler(_SigningWriter(fh, mac), protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump({"data_version": data_version, "summary": summary or {},
                          "extra": extra is not None})
            pickler.dump(parts)
            if extra is not None:
                pickler.dump(extra)
            fh.seek(0)
            fh.write(b"%s %s %s\n" % (MAGIC, data_version.encode(), mac.hexdigest().encode()))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = ""
        for old in path.parent.glob("network-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        return path
    except (OSError, UntrustedKey, pickle.PicklingError, TypeError, AttributeError) as exc:
        # (something in it that cannot be pickled: the load and its answers go on without)
        log.warning("could not write snapshot %s: %s", path, exc)
        return None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def share_snapshot(seed_dir: Path, other: Path, data_version: str) -> Path | None:
    """Give `other` (a copy of `seed_dir`) the snapshot of `seed_dir` for this data version:
    a hard link (a copy across file systems), since a snapshot is signed over its data version
    and content, not its place. None when there is none to share or it cannot be linked."""
    src = snapshot_path(seed_dir, data_version)
    dst = snapshot_path(other, data_version)
    if not src.is_file():
        return None
    tmp = ""
    try:
        _private_dir(dst.parent)
        fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".tmp-{os.getpid()}-")
        os.close(fd)
        os.unlink(tmp)
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        tmp = ""
        return dst
    except (OSError, UntrustedKey) as exc:
        log.warning("could not share snapshot %s with %s: %s", src, dst, exc)
        return None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def _remove_orphans(folder: Path) -> None:
    """Delete temp files left by writers that died mid-write (kill -9, power loss): their
    names carry the writer's pid, and that process is gone. They were never read."""
    for tmp in folder.glob(".tmp-*"):
        pid = tmp.name.split("-")[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except OSError:  # alive, another user's: leave it
            pass
