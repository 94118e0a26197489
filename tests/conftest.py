"""Shared fixtures: the made-up tiny seed and a way to break a copy of it, the vendored XML
Schemas, and the JavaScript readers (installed on first use)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree

import graphsvc

TINY = Path(__file__).parent / "fixtures" / "tiny"
SCHEMAS = Path(__file__).parent / "schemas"
"""The vendored XML Schemas (sources and licences in tests/schemas/SOURCES.txt, LICENSES.md)."""
JS = Path(__file__).parent / "js"
"""The JavaScript readers' package (graphology's GraphML/GEXF parsers), locked by package-lock."""


GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ = "http://gexf.net/1.3/viz"


def gexf_as_published_xsd(doc: etree._Element) -> etree._Element:
    """A copy of a GEXF document with its viz elements (in networkx's viz namespace, where
    readers look) moved into the main namespace, where the published 1.3 XSD declares them:
    the one documented conflict. Nothing else changes, so everything else is validated as is."""
    copy = deepcopy(doc)
    for el in list(copy.iter(f"{{{GEXF_VIZ}}}*")):
        el.tag = f"{{{GEXF_NS}}}{etree.QName(el).localname}"
    etree.cleanup_namespaces(copy)
    return copy


@pytest.fixture(scope="session")
def schemas() -> dict[str, etree.XMLSchema]:
    """The GraphML and GEXF 1.3 schemas, loaded offline."""
    return {
        "graphml": etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd"))),
        "gexf": etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf" / "1.3" / "gexf.xsd"))),
    }


def _js_installed() -> bool:
    deps = json.loads((JS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    modules = JS / "node_modules"
    return (modules / ".package-lock.json").is_file() and all(
        (modules / name / "package.json").is_file() for name in deps)


@pytest.fixture(scope="session")
def node_readers() -> str:
    """The path of `node`, with tests/js's locked packages installed (`npm ci` once, under a
    file lock so parallel sessions do not race). Skips only when node or npm is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (it reads exports with graphology)")
    with (JS / ".npm-ci.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _js_installed():
            npm = shutil.which("npm")
            if npm is None:
                pytest.skip("npm is not installed (it installs tests/js's graphology readers)")
            r = subprocess.run([npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund",
                                "--prefer-offline", "--loglevel=error"],
                               capture_output=True, text=True, timeout=600, check=False)
            if r.returncode != 0 or not _js_installed():
                pytest.fail(f"npm ci --prefix {JS} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return node


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
