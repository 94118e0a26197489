"""What the workers of `graphsvc serve --workers N` share: one directory of the last good seed.

The supervisor makes the directory (mode 0700) and passes it to every worker as
`GRAPHSVC_RUNTIME_DIR`. In it:

- `lock`: held (flock) by whoever reloads, so reloads of different workers never interleave;
- `good/<version>/<seed name>/`: a copy of the seed files of each published data version (the
  last two), checked against that version's content hash: the files the workers load, which
  nobody edits, so every worker serves exactly the version that was validated, and a worker that
  starts later (a crashed one replaced) serves it too even if the seed has been broken since;
- `current.json`: the published version, its copy and its counts (nodes, edges, facts);
- `last_reload.json`: the last reload attempt, whichever worker made it;
- `requests/`: reloads asked for by the supervisor (SIGHUP, `--watch`); the first worker to
  remove a request file runs it.

Bad data never reaches a worker: a reload is validated by loading the user's seed once, and only
then copied and published; the other workers follow by loading the copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.loader.seedio import seed_files, seed_version

KEEP_VERSIONS = 2


class SeedChanged(Exception):
    """The seed files changed between validating them and copying them."""


@dataclass(frozen=True)
class Published:
    """The version every worker should serve, and where its files are."""

    data_version: str
    seed: Path
    sizes: dict[str, int]
    at: float


class SharedDir:
    """The runtime directory of a multi-worker server (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.good = root / "good"
        self.requests = root / "requests"

    @classmethod
    def create(cls) -> SharedDir:
        """A new, private runtime directory (the supervisor removes it on exit; one left by a
        supervisor that was killed is removed by the next one)."""
        _remove_stale()
        root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        os.chmod(root, 0o700)
        shared = cls(root)
        shared.good.mkdir()
        shared.requests.mkdir()
        return shared

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the reload lock (blocking): one reload at a time across every worker."""
        return _flocked(self.root / "lock")

    def starting(self) -> contextlib.AbstractContextManager[None]:
        """Hold the start lock (blocking): the workers load their first network one at a time.
        Loads are bound by memory more than by a core: two at once on a two-core machine took
        1.8x one load's time, so the first worker serves sooner when the next one waits for it
        (a worker that dies releases the lock with its file)."""
        return _flocked(self.root / "start")

    # -- the published version -----------------------------------------------------------
    def current(self) -> Published | None:
        """The published version (None before the first publish or if unreadable)."""
        try:
            d = json.loads((self.root / "current.json").read_text(encoding="utf-8"))
            return Published(d["data_version"], Path(d["seed"]), dict(d["sizes"]), d["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def publish(self, seed: Path, data_version: str, sizes: dict[str, int],
                on_copied: Callable[[Path], object] | None = None) -> Published:
        """Copy the seed files of `data_version` aside and make it the version to serve
        (`on_copied(copy)` runs before it is: e.g. to leave a snapshot of the copy).

        Raises :class:`SeedChanged` if the files on disk are no longer that version (edited
        since they were validated): nothing is published then.
        """
        files = seed_files(seed)  # (the hash below is what checks the copy)
        stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=self.good))
        copy = stage / (seed.name or "seed")
        copy.mkdir()
        try:
            for name in files:
                shutil.copyfile(seed / name, copy / name)
            copied, _ = seed_version(copy)
            if copied != data_version:
                raise SeedChanged(f"the seed files changed while being reloaded "
                                  f"(validated {data_version}, now {copied}); reload again")
            final = self.good / data_version
            if final.exists():
                shutil.rmtree(stage)
            else:
                os.replace(stage, final)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        published = Published(data_version, final / copy.name, sizes, time.time())
        if on_copied is not None:
            on_copied(published.seed)
        _write_json(self.root / "current.json", {
            "data_version": data_version, "seed": str(published.seed), "sizes": sizes,
            "at": published.at})
        self._prune(keep=data_version)
        return published

    def _prune(self, keep: str) -> None:
        """Remove the copies of old versions, keeping `keep` and the newest other one (a worker
        may still be loading it)."""
        others = sorted((p for p in self.good.iterdir()
                         if not p.name.startswith(".") and p.name != keep),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for path in others[KEEP_VERSIONS - 1:]:
            shutil.rmtree(path, ignore_errors=True)

    # -- the last attempt ----------------------------------------------------------------
    def write_last_reload(self, record: dict[str, Any]) -> None:
        """Record the last reload attempt for every worker to report."""
        _write_json(self.root / "last_reload.json", record)

    def last_reload(self) -> dict[str, Any] | None:
        """The last reload attempt of any worker (None if there was none)."""
        try:
            data = json.loads((self.root / "last_reload.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    # -- reloads asked for by the supervisor ---------------------------------------------
    def ask(self, trigger: str) -> Path:
        """Ask the workers to reload (the first one to claim the request runs it)."""
        path = self.requests / f"{time.time_ns()}-{os.getpid()}.{trigger}"
        _write_json(path, {"trigger": trigger})
        return path

    def claim(self) -> str | None:
        """Take one pending request (its trigger), or None. Only one worker gets each."""
        try:
            pending = sorted(p for p in self.requests.iterdir() if not p.name.startswith("."))
        except OSError:
            return None
        for path in pending:
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # another worker took it
            return path.suffix.lstrip(".") or "sighup"
        return None


PREFIX = "graphsvc-run-"


def _remove_stale() -> None:
    """Remove the runtime directories of supervisors of this user that no longer run."""
    for path in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = path.name[len(PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or path.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a temporary file in the same directory, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _flocked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made if missing), blocking until it is free;
    released with the file, also when the process dies."""
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
