"""What every `graphsvc` subcommand shares: usage errors, JSON output, loading the seed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from graphsvc.network import Network, load

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def seed_path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"seed directory not found: {value}")
    return path


def load_seed(args: argparse.Namespace) -> Network:
    """Load the seed the command was given (`--seed` or a positional SEED_DIR)."""
    with terminal_progress() as progress:
        return load(seed_path(getattr(args, "seed", None)), progress=progress)


@contextmanager
def terminal_progress() -> Iterator[Callable[[str, int], None] | None]:
    """A progress line on stderr for long reads, when stderr is a terminal (else None);
    the line is cleared at the end."""
    if not sys.stderr.isatty():
        yield None
        return

    def show(name: str, rows: int) -> None:
        text = "reading the snapshot" if name == "snapshot" else f"reading {name}: {rows:,} rows"
        print(f"\r\033[K  {text}", end="", file=sys.stderr, flush=True)

    try:
        yield show
    finally:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


EXIT_VALID, EXIT_INVALID_SEED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
"""Exit codes: 0 done (a valid seed), 1 the seed has errors, 2 the command was called wrongly
(or a file or directory it names is not there), 3 an internal error (a bug: please report it)."""
REPORT = (
    "this is a bug in graphsvc, not in your data: please report it on the project's issue "
    "tracker with the command you ran and this line (GRAPHSVC_DEBUG=1 shows the traceback)"
)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors printed as JSON when --json was given."""

    json_wanted = False

    def error(self, message: str) -> NoReturn:
        if _Parser.json_wanted:
            print_json({"error": {"type": "usage", "exit_code": EXIT_USAGE,
                                   "message": f"{self.prog}: {message}"}})
            raise SystemExit(EXIT_USAGE)
        super().error(message)


