"""No traceback from any command for any bad input: exit 0 valid, 1 invalid seed, 2 usage,
3 internal error (one line asking for a report); `--json` always prints JSON. Real CLI
subprocesses on broken copies of the made-up tiny seed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.cli import common
from graphsvc.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, wrap: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([*wrap, sys.executable, "-m", "graphsvc", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _big_cell(seed: Path) -> None:
    p = seed / "relations.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "2021,,T2,\n", "2021,,T2," + "x" * 5_000_000 + "\n", 1), encoding="utf-8")


def _gbk_rules(seed: Path) -> None:
    p = seed / "rules.yaml"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gbk"))


def _dir(seed: Path) -> None:
    (seed / "facts.csv").unlink()
    (seed / "facts.csv").mkdir()


def _schema(seed: Path) -> None:
    (seed / "schema.yaml").write_text("kinds: [village]\nrelations: {{\n", encoding="utf-8")


def _kinds_list(seed: Path) -> None:
    (seed / "schema.yaml").write_text("kinds: [village]\nrelations: {}\n", encoding="utf-8")


BREAKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "5-MB-cell": (_big_cell, "relations.csv:2: a cell is longer than 131,072 characters"),
    "gbk-rules": (_gbk_rules, "rules.yaml:6: is not UTF-8 text"),
    "directory-for-a-file": (_dir, "facts.csv: is a directory, not a file"),
    "malformed-schema": (_schema, "schema.yaml:3: not valid YAML"),
    "kinds-a-list": (_kinds_list, "schema.yaml:1: kinds: Input should be a valid dictionary"),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_bad_seed_no_traceback(tiny_copy, case: str) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    brk, message = BREAKS[case]
    brk(seed)
    for args in (["validate", "--seed", str(seed)], ["info", "--seed", str(seed)],
                 ["query", "gaps", "--seed", str(seed)],
                 ["export", "-f", "graphml", "--seed", str(seed), "-o",
                  str(seed.parent / "x.xml")]):
        text = run(*args)
        assert text.returncode == 1, (args, text.stderr)
        assert "Traceback" not in text.stderr + text.stdout
        assert f"{seed}/{message}" in text.stderr
        js = run(*args, "--json") if args[0] != "export" else None
        if js is not None:
            assert js.returncode == 1 and "Traceback" not in js.stderr
            out = json.loads(js.stdout)
            assert out["valid"] is False and out["exit_code"] == 1
            assert any(e["text"].startswith(f"{seed}/{message}") for e in out["errors"])
    assert not (seed.parent / "x.xml").exists()


def test_serve_refuses_a_broken_file_without_traceback(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    _big_cell(seed)
    proc = run("serve", "--port", "0", "--seed", str(seed))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "a cell is longer than 131,072 characters" in proc.stderr


def test_root_cause_first_in_text(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    p = seed / "entities.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gbk"))
    proc = run("validate", "--seed", str(seed))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == "graphsvc validate: the seed has 1 error (and 15 caused by it):"
    assert lines[1] == (f"  {seed}/entities.csv:2: is not UTF-8 text — save it as 'CSV UTF-8' "
                        "(in Excel: Save As → CSV UTF-8)")
    assert lines[2] == "    … and 15 errors caused by this, such as:"
    assert lines[3].startswith(f"      {seed}/facts.csv:7: field 'entity': unknown entity")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],
        ["query", "no-such-query"],
        ["validate", "--seed", "/no/such/seed"],
        ["info", "--seed", "/no/such/seed"],
        ["query", "gaps", "--year", "soon"],
        ["query", "path", "甲村"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    text = run(*args)
    assert text.returncode == 2 and "Traceback" not in text.stderr
    assert text.stderr.strip() and text.stdout == ""
    js = run(*args, "--json")
    assert js.returncode == 2 and "Traceback" not in js.stderr
    out = json.loads(js.stdout)
    assert out["error"]["type"] == "usage" and out["error"]["exit_code"] == 2
    assert out["error"]["message"]


def test_valid_exits_0() -> None:
    ok = run("validate", "--seed", str(ROOT / "tests" / "fixtures" / "tiny"), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["valid"] is True


def test_internal_error_exits_3_with_one_line(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """A bug (here: the loader itself failing) is exit 3 and one line asking for a report."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(common, "load", broken)
    monkeypatch.delenv("GRAPHSVC_DEBUG", raising=False)
    assert cli.main(["validate"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("graphsvc validate: internal error: ZeroDivisionError: division by zero")
    assert "please report it" in err
    assert cli.main(["info", "--json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["type"] == "internal" and out["error"]["exit_code"] == 3
    assert "please report it" in out["error"]["message"]


@pytest.fixture
def world_readable_seed() -> Iterator[Path]:
    """A copy of the tiny seed that another user could read (outside pytest's private tmp)."""
    top = Path(tempfile.mkdtemp(prefix="graphsvc-perm-"))
    top.chmod(0o755)
    seed = top / "seed"
    shutil.copytree(ROOT / "tests" / "fixtures" / "tiny", seed)
    seed.chmod(0o755)
    for f in seed.iterdir():
        f.chmod(0o644)
    yield seed
    shutil.rmtree(top)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="needs POSIX users")
def test_unreadable_file_is_named(world_readable_seed: Path) -> None:
    """No permission to read a seed file: an error naming it. Root reads any file, so as root
    the check runs without the capabilities that let root bypass file permissions
    (util-linux's `setpriv` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH)."""
    seed = world_readable_seed
    (seed / "facts.csv").chmod(0o000)
    wrap: tuple[str, ...] = ()
    if os.getuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root (which reads a 0000 file) without util-linux's setpriv "
                        "to drop that power")
        wrap = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    proc = run("validate", "--seed", str(seed), "--json", wrap=wrap)
    assert proc.returncode == 1, proc.stderr
    errors = json.loads(proc.stdout)["errors"]
    assert [e["text"] for e in errors] == [
        f"{seed}/facts.csv: cannot be read: Permission denied — check the file's permissions "
        "(and that it is a plain file)"]


REGISTER = ROOT / "tests" / "fixtures" / "register"


@pytest.mark.parametrize(
    ("file", "data", "message"),
    [
        ("areas.csv", b'garbage\x00\n"unclosed\n', "areas.csv:1: header has no column(s) code, name"),
        ("villages.csv", "code,name\n990101001001,春晖社区居委会\n".encode("gbk"),
         "villages.csv: is not UTF-8 text"),
        ("streets.csv", b"code,name\n9901010x1,East\n", "streets.csv:2: code '9901010x1' is not digits"),
        ("areas.csv", b"code,name\n990101\n", "areas.csv:2: empty name"),
    ],
    ids=["not-a-register-file", "gbk", "bad-code", "short-row"],
)
def test_bad_register_files_exit_2(tmp_path: Path, file: str, data: bytes, message: str) -> None:
    reg = tmp_path / "reg"
    shutil.copytree(REGISTER, reg)
    (reg / file).write_bytes(data)
    proc = run("import-divisions", "--county", "990101", "--from", str(reg), "--out",
               str(tmp_path / "out"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"graphsvc import-divisions: error: {reg}/{message}" in proc.stderr


def test_synth_on_a_file_that_is_no_register(tmp_path: Path) -> None:
    (tmp_path / "divisions.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    proc = run("synth", "--from", str(tmp_path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(
        f"graphsvc synth: error: {tmp_path}/divisions.csv:1: header has no column(s) code, "
        "kind, name")
