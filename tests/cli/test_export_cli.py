"""`graphsvc export` run as a user runs it, in a subprocess."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import graphsvc

ROOT = Path(__file__).parents[2]
TINY = str(Path(__file__).parents[1] / "fixtures" / "tiny")


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m graphsvc export ...` from the repository root."""
    return subprocess.run([sys.executable, "-m", "graphsvc", "export", *args], cwd=ROOT,
                          capture_output=True, timeout=120)


def test_graphml_to_stdout() -> None:
    out = run("--format", "graphml", "--seed", TINY)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "甲村".encode() in out.stdout


def test_json_with_filters() -> None:
    out = run("--format", "json", "--seed", TINY, "--ego", "990101101201", "--hops", "1",
              "--year", "2022")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {n["id"] for n in data["nodes"]} == {"990101101201", "990101101", "org.west-joint",
                                                "grid.jia-1"}
    out = run("--format", "json", "--seed", TINY, "--kind", "township", "district")
    assert len(json.loads(out.stdout)["nodes"]) == 4


def test_gexf_to_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gexf"
    out = run("--format", "gexf", "--seed", TINY, "-o", str(path), "--color-by", "status",
              "--layout")
    assert out.returncode == 0, out.stderr
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert f"wrote {path}" in out.stderr.decode()


def test_csv_and_neo4j_need_a_directory(tmp_path: Path) -> None:
    for fmt in ("csv", "neo4j"):
        out = run("--format", fmt, "--seed", TINY)
        assert out.returncode == 2
        assert b"-o DIR" in out.stderr and out.stdout == b""
    out = run("--format", "csv", "--seed", TINY, "-o", str(tmp_path / "csv"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "csv" / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    out = run("--format", "neo4j", "--seed", TINY, "-o", str(tmp_path / "neo"))
    assert sorted(p.name for p in (tmp_path / "neo").iterdir()) == ["nodes.csv",
                                                                    "relationships.csv"]


def test_bad_filter_exits_2_with_valid_values() -> None:
    out = run("--format", "json", "--seed", TINY, "--kind", "town")
    assert out.returncode == 2
    assert b"use one of: district, township, village" in out.stderr
    out = run("--format", "json", "--seed", TINY, "--hops", "2")
    assert out.returncode == 2 and b"--ego" in out.stderr


def test_help_lists_formats() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert all(f.encode() in out.stdout for f in ("graphml", "gexf", "json", "csv", "neo4j"))


# -- where the files go ------------------------------------------------------------------------
SINGLE = ("graphml", "gexf", "json")
MULTI = ("csv", "neo4j")


def run_in(cwd: Path, *args: str, mask: int = 0o022) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m graphsvc export ...` in `cwd` under the umask `mask`, as a shell would."""
    return subprocess.run([sys.executable, "-m", "graphsvc", "export", *args], cwd=cwd,
                          capture_output=True, timeout=120,
                          preexec_fn=lambda: os.umask(mask))  # noqa: PLW1509


@pytest.mark.parametrize("fmt", SINGLE)
def test_dash_writes_standard_output(fmt: str, tmp_path: Path) -> None:
    out = run_in(tmp_path, "--format", fmt, "--seed", TINY, "-o", "-")
    assert out.returncode == 0, out.stderr
    buf = io.BytesIO()
    graphsvc.load(Path(TINY)).export(fmt, buf)
    assert out.stdout == buf.getvalue()
    assert list(tmp_path.iterdir()) == []  # no file named '-'


@pytest.mark.parametrize("fmt", MULTI)
def test_dash_for_several_files_is_a_usage_error(fmt: str, tmp_path: Path) -> None:
    out = run_in(tmp_path, "--format", fmt, "--seed", TINY, "-o", "-")
    assert out.returncode == 2 and out.stdout == b""
    assert b"writes several files: give a directory with -o DIR" in out.stderr
    assert b"Traceback" not in out.stderr and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["gexf", "csv"])
def test_missing_folder_is_a_usage_error_and_makes_no_folder(fmt: str, tmp_path: Path) -> None:
    dest = tmp_path / "missing" / ("out" if fmt in MULTI else f"g.{fmt}")
    out = run_in(tmp_path, "--format", fmt, "--seed", TINY, "-o", str(dest))
    assert out.returncode == 2, out.stderr
    err = out.stderr.decode()
    assert f"the folder {tmp_path / 'missing'} does not exist" in err and "mkdir -p" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", SINGLE + MULTI)
def test_files_follow_the_umask(fmt: str, tmp_path: Path) -> None:
    mask = 0o027  # 0640 files: neither mkstemp's 0600 nor a fixed 0644
    out = run_in(tmp_path, "--format", fmt, "--seed", TINY, "-o", "out", mask=mask)
    assert out.returncode == 0, out.stderr
    dest = tmp_path / "out"
    files = sorted(dest.iterdir()) if fmt in MULTI else [dest]
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o666 & ~mask for f in files)
    if fmt in MULTI:
        assert stat.S_IMODE(dest.stat().st_mode) == 0o777 & ~mask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary file left


def test_unwritable_name_is_a_usage_error(tmp_path: Path) -> None:
    out = run_in(tmp_path, "--format", "json", "--seed", TINY, "-o", "x" * 300 + ".json")
    assert out.returncode == 2
    assert b"cannot write" in out.stderr and b"File name too long" in out.stderr
    assert b"Traceback" not in out.stderr and list(tmp_path.iterdir()) == []
