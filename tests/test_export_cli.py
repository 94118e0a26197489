"""`graphsvc export` run as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
TINY = str(Path(__file__).parent / "fixtures" / "tiny")


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
