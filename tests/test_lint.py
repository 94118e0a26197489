"""The configured linters pass: ruff on the package, tests and benchmarks, mypy on the package,
and import-linter's contracts (the layers of the package, no import cycles; pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "cmd",
    [["ruff", "check", "graphsvc", "tests", "benchmarks"], ["mypy"], ["lint-imports", "--no-cache"]],
    ids=["ruff", "mypy", "import-linter"],
)
def test_linter(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None and not (Path(sys.executable).parent / cmd[0]).exists():
        pytest.skip(f"{cmd[0]} is not installed (pip install -e '.[test]' installs it)")
    exe = str(Path(sys.executable).parent / cmd[0])
    if not Path(exe).exists():
        exe = cmd[0]
    r = subprocess.run([exe, *cmd[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
