"""Shared fixtures: the made-up tiny seed and a way to break a copy of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

import graphsvc

TINY = Path(__file__).parent / "fixtures" / "tiny"
SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "schemas"
"""The shared XML Schemas (`shared/` sits beside the repository, in CI too)."""


@pytest.fixture(scope="session")
def schemas() -> dict[str, etree.XMLSchema]:
    """The GraphML and GEXF 1.3 schemas, loaded offline."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"schemas not found at {SCHEMAS} (shared/ beside the repo)")
    return {
        "graphml": etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd"))),
        "gexf": etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf" / "1.3" / "gexf.xsd"))),
    }


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private user cache directory (snapshots and their key) for the whole session, also
    seen by the CLI and server subprocesses the tests start: the suite never touches ~/.cache."""
    old = os.environ.get("XDG_CACHE_HOME")
    path = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(path)
    yield path
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def tiny() -> graphsvc.Network:
    """The tiny made-up seed, loaded once."""
    return graphsvc.load(TINY)


@pytest.fixture(scope="session")
def fangshan() -> graphsvc.Network:
    """The bundled Fangshan seed, loaded once."""
    return graphsvc.load()


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Callable[..., Path]:
    """A writable copy of the tiny seed; call it with edits {file: (old, new)} to break it."""

    def make(
        edits: dict[str, tuple[str, str]] | None = None,
        append: dict[str, str] | None = None,
        remove: tuple[str, ...] = (),
    ) -> Path:
        dst = tmp_path / "seed"
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(TINY, dst)
        for name, (old, new) in (edits or {}).items():
            path = dst / name
            text = path.read_text(encoding="utf-8")
            assert old in text, f"{old!r} not in {name}"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        for name, extra in (append or {}).items():
            with (dst / name).open("a", encoding="utf-8") as fh:
                fh.write(extra)
        for name in remove:
            (dst / name).unlink()
        return dst

    return make
