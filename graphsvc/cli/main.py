"""The `graphsvc` command: a thin skin over the library (parse options, call, print).

Each subcommand module (`seed`, `query`, `export`, `serve`) has a `register(subparsers)`;
this module puts them together and turns every failure into an exit code and one message.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress

from graphsvc._version import __version__
from graphsvc.cli import export, query, seed, serve
from graphsvc.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID_SEED,
    EXIT_USAGE,
    REPORT,
    UsageError,
    _Parser,
    print_json,
)
from graphsvc.errors import GraphsvcError, InvalidSeed

SUBCOMMANDS = (seed, query, export, serve)
"""The modules that add subcommands, in the order `--help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="graphsvc",
        description="The organisational networks of rural governance as a graph.",
    )
    parser.add_argument("--version", action="version", version=f"graphsvc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help="what to do")
    sub.required = True
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def print_invalid_seed(exc: InvalidSeed, command: str, as_json: bool) -> None:
    """Every problem of a refused seed: JSON on stdout, or text on stderr, each root cause
    followed by how many errors it causes."""
    if as_json:
        print_json(
            {
                "valid": False,
                "exit_code": EXIT_INVALID_SEED,
                "errors": [p.as_dict() for p in exc.problems],
                "warnings": [w.as_dict() for w in exc.warnings],
            }
        )
        return
    n = len(exc.problems)
    caused = sum(len(p.caused) for p in exc.problems)
    more = f" (and {caused} caused by {'it' if n == 1 else 'them'})" if caused else ""
    print(f"graphsvc {command}: the seed has {n} error{'s' if n != 1 else ''}{more}:",
          file=sys.stderr)
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)
        if p.caused:
            print(f"    {p.caused_text()}, such as:", file=sys.stderr)
            for c in p.caused[:3]:
                print(f"      {c}", file=sys.stderr)
    if exc.warnings:
        print(f"{len(exc.warnings)} warning(s):", file=sys.stderr)
        for w in exc.warnings:
            print(f"  {w}", file=sys.stderr)


def _fail(command: str, kind: str, message: str, code: int, as_json: bool) -> int:
    if as_json:
        print_json({"error": {"type": kind, "exit_code": code, "message": message}})
    else:
        label = "internal error" if code == EXIT_INTERNAL else "error"
        print(f"graphsvc {command}: {label}: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 valid, 1 invalid seed, 2 usage, 3 bug).

    No input makes it print a traceback: every failure is one clear message (JSON with
    --json), and anything unexpected is exit 3 with a request to report it.
    """
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        with suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str]) -> int:
    _Parser.json_wanted = "--json" in argv
    command = "?"
    as_json = _Parser.json_wanted
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        command = args.command
        as_json = bool(getattr(args, "json", False)) or as_json
        return int(args.handler(args))
    except InvalidSeed as exc:
        print_invalid_seed(exc, command, as_json)
        return EXIT_INVALID_SEED
    except (UsageError, GraphsvcError, FileNotFoundError, NotADirectoryError) as exc:
        return _fail(command, "usage", str(exc), EXIT_USAGE, as_json)
    except BrokenPipeError:
        raise
    except OSError as exc:  # the machine said no: a permission, a full disk...
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(command, "os", f"{exc.strerror or exc}{where}", EXIT_USAGE, as_json)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("GRAPHSVC_DEBUG"):
            raise
        first = str(exc).splitlines()[0][:300] if str(exc) else ""
        return _fail(command, "internal", f"{type(exc).__name__}: {first} — {REPORT}",
                     EXIT_INTERNAL, as_json)


if __name__ == "__main__":
    raise SystemExit(main())
