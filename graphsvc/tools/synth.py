"""A synthetic benchmark scenario over a real register: made-up organisations, never real data.

Everything this writes is invented (source `SYNTH`, every id prefixed `syn.`) with a fixed
random seed, so benchmarks are repeatable. It is made at benchmark time and must never be
committed or mixed into `seed/`.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from graphsvc.loader.bundled import bundled_seed
from graphsvc.model.records import Source
from graphsvc.tools.divisions import REGISTER_SOURCE, complete_seed, read_rows, write_csv

SYNTH_SOURCE = Source(
    id="SYNTH",
    title="SYNTHETIC benchmark scenario — invented organisations, memberships and figures",
    publisher="graphsvc synth",
    licence="CC0",
    note="made up with a fixed random seed for benchmarks; not a description of any real place",
)

# Proportions, per township or village, loosely shaped on the Fangshan case (S1).
AREA_COMMITTEE_SHARE = 0.25  # townships with area committees (片区联建)
JOINT_ORG_PER_VILLAGES = 25  # one village–village joint organisation per this many villages
ENTERPRISE_ORG_PER_VILLAGES = 60
UNIVERSITY_ORG_PER_VILLAGES = 150
WEAK_SHARE = 0.10
HONOUR_SHARE = 0.02
INCOME_SHARE = 0.30


@dataclass(frozen=True)
class SynthResult:
    """What `synthesize` wrote."""

    out_dir: Path
    villages: int
    entities: int
    relations: int
    facts: int


def _w(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def synthesize(divisions_csv: Path, out_dir: Path, seed: int = 42) -> SynthResult:
    """Write a seed directory: the given register plus invented organisations and facts."""
    rng = random.Random(seed)
    villages_by_township: dict[str, list[str]] = defaultdict(list)
    for row in read_rows(divisions_csv, ("code", "kind", "name")):
        if row["kind"] == "village" and row.get("subtype") == "村委会" and row.get("parent"):
            villages_by_township[row["parent"]].append(row["code"])
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(divisions_csv, out_dir / "divisions.csv")
    write_csv(out_dir / "sources.csv", Source, [REGISTER_SOURCE, SYNTH_SOURCE])
    shutil.copyfile(bundled_seed() / "rules.yaml", out_dir / "rules.yaml")
    (out_dir / "README.md").write_text(
        "# SYNTHETIC benchmark scenario\n\nMade by `graphsvc synth` for benchmarks: every "
        "organisation, membership and figure here is invented (source SYNTH). The register "
        "(divisions.csv) is real (S2). Do not commit, do not mix into seed/.\n",
        encoding="utf-8",
    )
    ent: list[list[object]] = []
    rel: list[list[object]] = []
    fac: list[list[object]] = []

    def org(oid: str, name: str, township: str, level: str, form: str, model: str) -> None:
        ent.append([oid, "party_org", "", name, township, level, form, model, "", "SYNTH", ""])

    n = 0
    for township, villages in sorted(villages_by_township.items()):
        villages = sorted(villages)
        if len(villages) >= 8 and rng.random() < AREA_COMMITTEE_SHARE:
            for part in _chunks(villages, rng.randint(5, 15)):
                n += 1
                oid = f"syn.area-{n}"
                org(oid, f"合成片区联合党委{n}", township, "党委", "joint", "area")
                rel.append([township, "guides", oid, "", "", "", "SYNTH", ""])
                rel += [[v, "member_of", oid, "member", "", "", "SYNTH", ""] for v in part]
        for _ in range(max(0, round(len(villages) / JOINT_ORG_PER_VILLAGES))):
            n += 1
            oid = f"syn.joint-{n}"
            members = rng.sample(villages, min(len(villages), rng.randint(3, 8)))
            org(oid, f"合成联合党委{n}", township, "党委", "joint", "village_village")
            rel.append([members[0], "member_of", oid, "lead", "", "", "SYNTH", ""])
            rel += [[v, "member_of", oid, "member", "", "", "SYNTH", ""] for v in members[1:]]
        for kind, per, model, sub in (
            ("enterprise", ENTERPRISE_ORG_PER_VILLAGES, "village_enterprise", "company"),
            ("university", UNIVERSITY_ORG_PER_VILLAGES, "village_university", "university"),
        ):
            if rng.random() < len(villages) / per:
                n += 1
                partner, oid = f"syn.{kind}-{n}", f"syn.{model}-{n}"
                ent.append(
                    [partner, kind, sub, f"合成{kind}{n}", township, "", "", "", "", "SYNTH", ""]
                )
                org(oid, f"合成{model}联合党支部{n}", township, "党支部", "joint;functional", model)
                rel.append([rng.choice(villages), "member_of", oid, "member", "", "", "SYNTH", ""])
                rel.append([partner, "member_of", oid, "member", "", "", "SYNTH", ""])
        for v in villages:
            r = rng.random()
            if r < WEAK_SHARE:
                fac.append([v, "designation", "集体经济薄弱村", "", "", "", 2022, "", "SYNTH", ""])
            elif r < WEAK_SHARE + HONOUR_SHARE:
                fac.append([v, "honour", "全国先进基层党组织", "", "", "", 2021, "", "SYNTH", ""])
            if rng.random() < INCOME_SHARE:
                income = round(rng.lognormvariate(12.5, 1.2))
                fac.append(
                    [v, "indicator", "collective_income", income, "yuan", "", 2022, "", "SYNTH", ""]
                )
    _w(
        out_dir / "entities.csv",
        [
            "id",
            "kind",
            "subtype",
            "name",
            "township",
            "level",
            "form",
            "model",
            "tags",
            "source",
            "note",
        ],
        ent,
    )
    _w(
        out_dir / "relations.csv",
        ["from", "relation", "to", "role", "since", "until", "source", "note"],
        rel,
    )
    _w(
        out_dir / "facts.csv",
        ["entity", "fact", "key", "value", "unit", "qualifier", "year", "model", "source", "note"],
        fac,
    )
    complete_seed(out_dir)  # aliases.csv: none invented
    return SynthResult(
        out_dir, sum(map(len, villages_by_township.values())), len(ent), len(rel), len(fac)
    )


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
