"""The suite stands on its own: vendored schemas are the unedited copies SOURCES.txt names, and
no test reaches outside the repository for them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from conftest import SCHEMAS

TESTS = Path(__file__).parent


def test_vendored_schemas_match_their_recorded_checksums() -> None:
    sources = (SCHEMAS / "SOURCES.txt").read_text(encoding="utf-8")
    recorded = dict((name, digest) for digest, name in
                    re.findall(r"^([0-9a-f]{64})  (\S+)$", sources, re.M))
    present = {str(p.relative_to(SCHEMAS)) for p in SCHEMAS.rglob("*.xsd")}
    assert present and set(recorded) == present
    for name, digest in recorded.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name
    assert "Creative Commons Attribution 4.0" in (SCHEMAS / "LICENSES.md").read_text("utf-8")


def test_no_test_reads_outside_the_repository() -> None:
    offenders = [p.name for p in TESTS.rglob("*.py")
                 if p.name != Path(__file__).name
                 and re.search(r"""\.\./shared|["']shared["']""", p.read_text("utf-8"))]
    assert offenders == []
