"""Every curl example in docs/api.md runs as written against a real `graphsvc serve` (real curl,
real bash, `$TOKEN` from the environment) and answers what the document shows: the status, the
headers and the shape of the body. The convention and the rewriting tool: tests/docs_examples.py.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docs_examples import (
    API_MD,
    Answer,
    Example,
    documented,
    examples,
    run,
    start_server,
    stray_curls,
    top_level,
)

TEXT = API_MD.read_text(encoding="utf-8")
EXAMPLES = examples(TEXT)

pytestmark = pytest.mark.skipif(shutil.which("curl") is None,
                                reason="curl is not installed (apt-get install curl)")


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys, list lengths and value types, not the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, bool) or value is None:
        return repr(value)
    return "number" if isinstance(value, (int, float)) else type(value).__name__


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    url, proc = start_server()
    try:
        yield url
    finally:
        proc.kill()
        proc.wait(10)


def test_the_document_keeps_the_convention() -> None:
    assert len(EXAMPLES) >= 25
    assert stray_curls(TEXT) == [], "curl commands outside a ```sh block (see docs_examples.py)"
    for ex in EXAMPLES:
        # $TOKEN inside single quotes is sent literally: the shell must expand it
        assert not re.search(r"'[^']*\$[A-Z_]+[^']*'", ex.command), ex.command
        for url in re.findall(r"https?://[^\s'\"]+", ex.command):
            assert url.partition("?")[2].isascii(), (
                f"docs/api.md:{ex.line}: non-ASCII query values go through "
                f"`curl -G --data-urlencode 'name=value'`: {ex.command}")


def test_a_broken_convention_is_reported() -> None:
    with pytest.raises(ValueError, match="must be followed directly by an ```http block"):
        examples("```sh\ncurl -si http://127.0.0.1:8000/healthz\n```\n\ntext\n\n```http\n```\n")
    assert stray_curls("```\n$ curl -si http://x\n```\n") == [2]


def test_top_level_reads_cut_json() -> None:
    assert top_level('{\n  "a": {"x": 1},\n  "b": ["c", "d:"],\n  "e": "f\\"g",\n') == (
        "object", ["a", "b", "e"])
    assert top_level("[1, 2") == ("array", [])


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e.line}:{e.title}" for e in EXAMPLES])
def test_example_runs_as_documented(ex: Example, base: str, tmp_path: Path) -> None:
    where = f"docs/api.md:{ex.line} ({ex.title})"
    real: Answer = run(ex.command, base, tmp_path)
    doc, cut = documented(ex.answer)
    assert real.status_line == doc.status_line, where
    names = {k.lower() for k, _ in real.headers}
    missing = [k for k, _ in doc.headers if k.lower() not in names]
    assert missing == [], f"{where}: documented headers not sent: {missing}"
    assert real.header("content-type") == doc.header("content-type"), where
    if not doc.body:
        assert real.body == "" or ex.command.startswith("curl -s -D - -o"), where
        return
    kind, keys = top_level(doc.body)
    if kind == "other":  # text (XML): the documented lines are how the answer starts
        assert real.body.startswith(doc.body.rstrip("\n")), where
        return
    real_kind, real_keys = top_level(real.body)
    assert real_kind == kind, where
    if cut:
        assert real_keys[:len(keys)] == keys, f"{where}: keys {real_keys} vs documented {keys}"
    else:
        assert shape(json.loads(real.body)) == shape(json.loads(doc.body)), where


def test_downloads_are_written(base: str, tmp_path: Path) -> None:
    """The CSV example writes a real zip of nodes.csv and edges.csv."""
    ex = next(e for e in EXAMPLES if "-o graphsvc-csv.zip" in e.command)
    assert run(ex.command, base, tmp_path).status == 200
    with zipfile.ZipFile(tmp_path / "graphsvc-csv.zip") as zf:
        assert sorted(zf.namelist()) == ["edges.csv", "nodes.csv"]
