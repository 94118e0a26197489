"""The synthetic benchmark scenario, small: it loads, it says it is synthetic, it repeats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import graphsvc
from graphsvc.queries import search, weak_linked
from graphsvc.tools.divisions import import_divisions
from graphsvc.tools.synth import synthesize


def _register(tmp: Path, villages: int = 3000) -> Path:
    """A made-up register of one county with 20 townships and `villages` villages."""
    reg = tmp / "reg"
    reg.mkdir()
    (reg / "areas.csv").write_text(
        "code,name,cityCode,provinceCode\n990101,测试区,9901,99\n", encoding="utf-8"
    )
    towns = [f"990101{100 + t:03d}" for t in range(20)]
    (reg / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        + "".join(f"{c},测试{i}镇,990101,99,9901\n" for i, c in enumerate(towns)),
        encoding="utf-8",
    )
    rows = [
        f"{towns[i % 20]}{200 + i // 20:03d},村{i}村委会,{towns[i % 20]},99,9901,990101\n"
        for i in range(villages)
    ]
    (reg / "villages.csv").write_text(
        "code,name,streetCode,provinceCode,cityCode,areaCode\n" + "".join(rows), encoding="utf-8"
    )
    out = tmp / "register-seed"
    import_divisions(reg, "990101", out)
    return out


def test_small_scenario_loads_and_answers(tmp_path: Path) -> None:
    register = _register(tmp_path)
    r = synthesize(register / "divisions.csv", tmp_path / "syn", seed=7)
    assert r.villages == 3000 and r.entities > 0 and r.relations > 0 and r.facts > 0
    assert "SYNTHETIC" in (tmp_path / "syn" / "README.md").read_text(encoding="utf-8")
    net = graphsvc.load(tmp_path / "syn")
    assert net.report.sources == ["S2", "SYNTH"]
    assert net.graph.number_of_nodes() == 1 + 20 + 3000 + r.entities
    assert all(
        n.startswith("syn.")
        for n, k in net.graph.nodes(data="kind")
        if k not in ("district", "township", "village")
    )
    assert weak_linked(net).count >= 0
    assert search(net, "村17").count >= 1
    again = synthesize(register / "divisions.csv", tmp_path / "syn2", seed=7)
    assert again == r.__class__(tmp_path / "syn2", r.villages, r.entities, r.relations, r.facts)
    assert (tmp_path / "syn" / "relations.csv").read_bytes() == (
        tmp_path / "syn2" / "relations.csv"
    ).read_bytes()


def _synth(src: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphsvc", "synth", "--from", str(src),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)


def test_synth_cli(tmp_path: Path) -> None:
    register = _register(tmp_path, villages=200)
    r = _synth(register, tmp_path / "s")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"SYNTHETIC scenario in {tmp_path / 's'}: 200 villages")
    r = _synth(tmp_path, tmp_path / "t")
    assert r.returncode == 2 and "import-divisions --all" in r.stderr
