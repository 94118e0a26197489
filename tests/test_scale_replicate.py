"""The scale benchmark's bigger registers: SYNTHETIC copies with codes and names of their own."""

from __future__ import annotations

import csv
from pathlib import Path

import graphsvc
from benchmarks.scale import replicate
from graphsvc import bundled_seed
from graphsvc.tools.synth import synthesize


def test_copies_get_new_codes_names_and_the_synth_source(tmp_path: Path) -> None:
    real = bundled_seed() / "divisions.csv"
    with real.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)]
    n = replicate(real, tmp_path / "reg", 3)
    assert n == 3 * len(rows)
    with (tmp_path / "reg" / "divisions.csv").open(encoding="utf-8", newline="") as fh:
        out = list(csv.DictReader(fh))
    assert len({r["code"] for r in out}) == n  # no code collides
    copies = out[len(rows):]
    assert all(r["source"] == "SYNTH" and "（合成" in r["name"] for r in copies)
    assert all(r["code"].startswith("9") for r in copies)
    assert {r["name"] for r in copies}.isdisjoint({r["name"] for r in rows})
    # the scenario over it loads: every copied unit under its copied parent
    syn = synthesize(tmp_path / "reg" / "divisions.csv", tmp_path / "syn")
    net = graphsvc.load(syn.out_dir, snapshot=False)
    kinds = net.report.kinds
    assert kinds["village"] == 3 * sum(r["kind"] == "village" for r in rows)
    assert kinds["district"] == 3
    assert net.report.relations["part_of"] == 3 * sum(bool(r["parent"]) for r in rows)
