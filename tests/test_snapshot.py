"""Snapshots: reused for the same data version, ignored when stale or corrupt."""

from __future__ import annotations

import logging
from pathlib import Path

import networkx as nx
import pytest

import graphsvc
from graphsvc.snapshot import CACHE_DIR, snapshot_path


def _same(a: graphsvc.Network, b: graphsvc.Network) -> None:
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    assert sorted(a.graph.edges(keys=True, data=True), key=str) == sorted(
        b.graph.edges(keys=True, data=True), key=str
    )
    assert a.data_version == b.data_version
    assert a.statuses(2022) == b.statuses(2022)
    assert a.resolve("已村") == b.resolve("已村")


def test_snapshot_is_written_and_reused(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    first = graphsvc.load(seed, snapshot=True)
    assert not first.report.from_snapshot
    path = snapshot_path(seed, first.data_version)
    assert path.exists() and path.parent.name == CACHE_DIR
    second = graphsvc.load(seed)
    assert second.report.from_snapshot
    assert "from a snapshot" in second.report.text()
    assert nx.is_frozen(second.graph)
    _same(first, second)


def test_small_seeds_write_no_snapshot_by_default(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    graphsvc.load(seed)
    assert not (seed / CACHE_DIR).exists()


def test_edit_makes_snapshot_stale(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    old = graphsvc.load(seed, snapshot=True)
    facts = seed / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("2500000", "900000"), "utf-8")
    new = graphsvc.load(seed, snapshot=True)
    assert not new.report.from_snapshot
    assert new.data_version != old.data_version
    assert new.status("990101101201", 2022).evidence[0].rule == "honoured"
    assert not snapshot_path(seed, old.data_version).exists()  # the stale one is cleaned up
    assert graphsvc.load(seed).report.from_snapshot


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-10] + bytes(10),  # corrupt payload
        lambda b: b"GRAPHSVC-SNAPSHOT 0000000000000000 abc\n" + b.split(b"\n", 1)[1],
        lambda b: b"not a snapshot",
    ],
    ids=["truncated", "corrupt", "wrong-version", "garbage"],
)
def test_damaged_snapshot_is_ignored(tiny_copy, caplog, damage) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    path = snapshot_path(seed, good.data_version)
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="graphsvc.snapshot"):
        again = graphsvc.load(seed)
    assert not again.report.from_snapshot
    assert "ignoring snapshot" in caplog.text
    _same(good, again)


def test_snapshot_can_be_switched_off(tiny_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    graphsvc.load(seed, snapshot=True)
    assert not graphsvc.load(seed, snapshot=False).report.from_snapshot
    monkeypatch.setenv("GRAPHSVC_SNAPSHOT", "0")
    assert not graphsvc.load(seed).report.from_snapshot


def test_invalid_seed_never_uses_a_snapshot(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    graphsvc.load(seed, snapshot=True)
    with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
        fh.write("nobody,member_of,org.west-joint,member,,,T2,\n")
    with pytest.raises(graphsvc.InvalidSeed):
        graphsvc.load(seed)
