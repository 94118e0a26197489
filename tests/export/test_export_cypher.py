"""The Cypher of docs/cypher answers weak-linked, gaps and paths as graphsvc does.

Each seed is exported with `--format neo4j`, the two files are loaded as they are into Kùzu
(an embedded Cypher engine from PyPI, in the test extra), the queries of docs/cypher run on it,
and their rows are compared with graphsvc's own answers: on the bundled seed, on the made-up
tiny seed (with more made-up organisations and partnerships below) and on a SYNTHETIC scenario over the bundled register (multi-hop links).

Kùzu declares its tables, so the loader below derives them from the export's typed headers
(docs/scale.md, "Graphs beyond memory: Neo4j and Cypher", says what it does). Where Kùzu's
dialect differs from Neo4j's, docs/cypher/kuzu/ holds the Kùzu text of a query; every other
file runs verbatim.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import graphsvc
from graphsvc.export.neo4j import type_of
from graphsvc.queries import gaps, paths, weak_linked
from graphsvc.tools.synth import synthesize

kuzu = pytest.importorskip(
    "kuzu", reason="kuzu (the embedded Cypher engine of the test extra) cannot be installed here"
)

ROOT = Path(__file__).resolve().parents[2]
CYPHER = ROOT / "docs" / "cypher"
TINY = ROOT / "tests" / "fixtures" / "tiny"
KUZU_TYPES = {"string": "STRING", "long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN"}
# Columns of neo4j-admin's header with a role instead of a property name: a name for Kùzu.
ROLE_NAMES = {
    "LABEL": "neo4j_labels",
    "START_ID": "neo4j_start",
    "END_ID": "neo4j_end",
    "TYPE": "neo4j_type",
}


# -- loading the Neo4j import files into Kùzu --------------------------------------------------
@dataclass(frozen=True)
class Col:
    """One column of a neo4j-admin header: `name:type`, or `:ROLE`, or `name:ID`."""

    name: str
    kind: str  # a Neo4j property type, or ID/LABEL/START_ID/END_ID/TYPE

    @property
    def kuzu_type(self) -> str:
        return KUZU_TYPES.get(self.kind, "STRING")

    @property
    def is_property(self) -> bool:
        return self.kind in KUZU_TYPES


def header(path: Path) -> list[Col]:
    """The columns of an import file's header (`id:ID`, `:LABEL`, `degree:long`, ...)."""
    with path.open(encoding="utf-8", newline="") as fh:
        names = next(csv.reader(fh))
    cols = []
    for h in names:
        name, _, kind = h.rpartition(":")
        if kind not in KUZU_TYPES and kind not in ("ID", *ROLE_NAMES):
            raise AssertionError(f"{path.name}: header {h!r} has a type this loader lacks")
        cols.append(Col(name or ROLE_NAMES[kind], kind))
    return cols


def q(name: str) -> str:
    return f"`{name}`"


def load_from(path: Path, cols: list[Col]) -> str:
    """Kùzu's LOAD of an import file: every column typed from its header (Kùzu would guess
    the types from the first rows: the codes look like numbers, the org ids do not), the CSV
    dialect stated (RFC 4180, as neo4j-admin reads it; Kùzu's dialect sniffing shifts the
    columns of the bundled export at a long quoted note) and read serially (its parallel reader cannot take a quoted line break)."""
    typed = ", ".join(f"{q(c.name)} {c.kuzu_type}" for c in cols)
    return (
        f"LOAD WITH HEADERS ({typed}) FROM '{path}' (HEADER=true, DELIM=',', QUOTE='\"', "
        "ESCAPE='\"', AUTO_DETECT=false, PARALLEL=false)"
    )


def load_neo4j_export(conn: Any, directory: Path, relation_types: set[str]) -> None:
    """Declare Kùzu tables from the export's headers and copy nodes.csv and relationships.csv
    in: every node into one table `Entity` (the label every node has; the kind label is the
    `kind` property), one relationship table per type (those in the file and those of the
    schema, so a query may name a type the data lacks, as it may on Neo4j)."""
    nodes, rels = directory / "nodes.csv", directory / "relationships.csv"
    ncols, rcols = header(nodes), header(rels)
    (id_col,) = [c for c in ncols if c.kind == "ID"]
    nprops = [c for c in ncols if c.is_property]
    conn.execute(
        f"CREATE NODE TABLE Entity({q(id_col.name)} STRING, "
        + "".join(f"{q(c.name)} {c.kuzu_type}, " for c in nprops)
        + f"PRIMARY KEY({q(id_col.name)}))"
    )
    conn.execute(
        f"COPY Entity FROM ({load_from(nodes, ncols)} RETURN "
        + ", ".join(q(c.name) for c in [id_col, *nprops])
        + ")"
    )
    rprops = [c for c in rcols if c.is_property]
    present = {
        row[0]
        for row in conn.execute(
            f"{load_from(rels, rcols)} RETURN DISTINCT {q(ROLE_NAMES['TYPE'])}"
        ).get_all()
    }
    for rtype in sorted(present | relation_types):
        conn.execute(
            f"CREATE REL TABLE {rtype}(FROM Entity TO Entity"
            + "".join(f", {q(c.name)} {c.kuzu_type}" for c in rprops)
            + ")"
        )
    for rtype in sorted(present):
        ends = [q(ROLE_NAMES["START_ID"]), q(ROLE_NAMES["END_ID"])]
        conn.execute(
            f"COPY {rtype} FROM ({load_from(rels, rcols)} "
            f"WHERE {q(ROLE_NAMES['TYPE'])} = '{rtype}' RETURN "
            + ", ".join([*ends, *(q(c.name) for c in rprops)])
            + ")"
        )


def statements(name: str) -> list[str]:
    """The statements of docs/cypher/NAME (Kùzu's text from docs/cypher/kuzu/ if it has one)."""
    path = CYPHER / "kuzu" / name
    text = (path if path.exists() else CYPHER / name).read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in re.split(r";[ \t]*$", text, flags=re.M) if s.strip()]


def run(conn: Any, name: str, **params: Any) -> list[list[list[Any]]]:
    """The rows of every statement of a query file, with the parameters each one names."""
    out = []
    for stmt in statements(name):
        used = {k: v for k, v in params.items() if f"${k}" in stmt}
        out.append(conn.execute(stmt, parameters=used).get_all())
    return out


# -- the seeds ---------------------------------------------------------------------------------
@dataclass
class Loaded:
    """A network and the same network exported to Neo4j's files and loaded into Kùzu."""

    net: graphsvc.Network
    conn: Any


# Made up for this test (source T2, the tiny seed's invented case notes): organisations that
# are not joint (a grid model, a 党小组, no model and no joint form), one that is joint by its
# form only, a second shared organisation, a weak village's chain of partnerships through a
# university, and a strong village (an invented honour).
TINY_MORE = {
    "entities.csv": """\
org.south-a,party_org,,南乡联合党委,990101201,党委,joint,village_village,,T2,
org.south-b,party_org,,南乡联合功能型党支部,990101201,党支部,joint;functional,,,T2,
org.south-grid,party_org,,南乡网格党支部,990101201,党支部,joint,grid,,T2,
org.south-group,party_org,,南乡党小组,990101201,党小组,joint,village_village,,T2,
org.south-plain,party_org,,南乡功能型党支部,990101201,党支部,functional,,,T2,
""",
    "relations.csv": """\
990101201202,member_of,org.south-a,member,,,T2,
990101201201,member_of,org.south-a,lead,,,T2,
990101201202,member_of,org.south-b,member,,,T2,
990101201201,member_of,org.south-b,member,,,T2,
990101101204,member_of,org.south-b,member,,,T2,
990101201202,member_of,org.south-grid,member,,,T2,
990101101201,member_of,org.south-grid,member,,,T2,
990101201202,member_of,org.south-group,member,,,T2,
990101101201,member_of,org.south-group,member,,,T2,
990101201202,member_of,org.south-plain,member,,,T2,
990101101201,member_of,org.south-plain,member,,,T2,
990101101203,partner_of,uni.test,,,,T2,
""",
    "facts.csv": "990101201201,honour,全国先进基层党组织,,,,2022,,T2,\n",
}


def _seed_dir(which: str, tmp: Path) -> Path | None:
    if which == "bundled":
        return None
    if which == "tiny":
        shutil.copytree(TINY, tmp / "tiny")
        for name, rows in TINY_MORE.items():
            with (tmp / "tiny" / name).open("a", encoding="utf-8") as fh:
                fh.write(rows)
        return tmp / "tiny"
    bundled = Path(graphsvc.bundled_seed())
    synthesize(bundled / "divisions.csv", tmp / "synthetic", seed=7)  # made up, never kept
    return tmp / "synthetic"


@pytest.fixture(scope="module", params=["bundled", "tiny", "synthetic"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    tmp = tmp_path_factory.mktemp(f"cypher-{request.param}")
    net = graphsvc.load(_seed_dir(request.param, tmp))
    net.export("neo4j", tmp / "import")  # the default status year, as the queries' default
    db = kuzu.Database(str(tmp / "kuzu"))
    conn = kuzu.Connection(db)
    load_neo4j_export(conn, tmp / "import", {type_of(r) for r in net.schema.relations})
    run(conn, "schema.cypher")
    run(conn, "linked.cypher")
    yield Loaded(net, conn)
    conn.close()
    db.close()


ALL_MODELS = ["area", "village_village", "village_enterprise", "village_university", "grid"]


def test_import_files_load_whole(loaded: Loaded) -> None:
    """Every node and relationship of the export arrives, with its typed properties."""
    g, conn = loaded.net.graph, loaded.conn
    assert conn.execute("MATCH (n:Entity) RETURN count(*)").get_all() == [[len(g)]]
    got = Counter(
        dict(
            conn.execute(
                "MATCH ()-[r]->() WHERE label(r) <> 'LINKED' RETURN label(r), count(*)"
            ).get_all()
        )
    )
    assert got == Counter(type_of(r) for _, _, r in g.edges(data="relation"))
    degree, kind = conn.execute(
        "MATCH (n:Entity) WHERE n.degree > 0 RETURN n.degree, n.kind LIMIT 1"
    ).get_all()[0]
    assert isinstance(degree, int) and isinstance(kind, str)


@pytest.mark.parametrize("max_hops", [1, 2, 3, 4])
@pytest.mark.parametrize("models", [ALL_MODELS, ["village_village"], ["area", "grid"]])
def test_weak_linked(loaded: Loaded, max_hops: int, models: list[str]) -> None:
    """The same (weak, strong, hops) as graphsvc, each step a real link of graphsvc's graph."""
    net, conn = loaded.net, loaded.conn
    ours = weak_linked(net, models=models, max_hops=max_hops)
    (rows,) = run(conn, "weak_linked.cypher", max_hops=max_hops, models=models)
    assert {(w, s, h) for w, s, h, _, _ in rows} == {
        (d.weak.id, d.strong.id, d.hops) for d in ours.data
    }
    assert len(rows) == ours.total
    members = {o: {m for m, _ in net.graph.in_edges(o)} for o in net.graph}
    keys = {k: {u, v} for u, v, k in net.graph.edges(keys=True)}
    for _, _, hops, path, via in rows:
        assert len(via) == hops and len(path) == hops + 1
        for a, b, v in zip(path, path[1:], via, strict=False):
            assert {a, b} <= members.get(v, set()) or keys.get(v) == {a, b}, (a, b, v)


@pytest.mark.parametrize("models", [ALL_MODELS, ["village_university"]])
def test_weak_links_one_hop(loaded: Loaded, models: list[str]) -> None:
    """Through what: graphsvc's organisation or partnership is one of the Cypher's `via`."""
    net, conn = loaded.net, loaded.conn
    ours = weak_linked(net, models=models, max_hops=1)
    (rows,) = run(conn, "weak_links.cypher", models=models)
    found = {(w, s): via for w, s, via, _ in rows}
    assert set(found) == {(d.weak.id, d.strong.id) for d in ours.data}
    for d in ours.data:
        via = found[d.weak.id, d.strong.id]
        if d.via:  # through a joint organisation: the first by id, as graphsvc shows it
            assert d.via[0].id == min(v for v in via if v in net.graph)
        else:  # a partnership: its edge
            assert d.path.edges[0].key in via


def test_gaps(loaded: Loaded) -> None:
    """Every gap graphsvc lists, and no other, with the counts of its township rows."""
    net, conn = loaded.net, loaded.conn
    ours = gaps(net)
    rows = [r for part in run(conn, "gaps.cypher") for r in part]
    assert len(rows) == ours.total
    assert {(gap, e) for gap, e, _ in rows} == {(x.gap, x.entity.id) for x in ours.data}
    per_town = Counter((gap, town) for gap, _, town in rows)
    fields = {
        "weak_without_strong": "weak_without_strong",
        "village_without_org": "villages_without_org",
        "org_without_strong": "orgs_without_strong",
        "org_without_enterprise_or_university": "orgs_without_enterprise_or_university",
    }
    for row in ours.summary[:-1]:
        assert row.township is not None
        for gap, field in fields.items():
            assert per_town[gap, row.township.id] == getattr(row, field), (row.township.id, gap)


def _pairs(net: graphsvc.Network) -> list[tuple[str, str]]:
    """A few pairs: every weak-linked pair, then pairs drawn with a fixed seed."""
    pairs = [(d.weak.id, d.strong.id) for d in weak_linked(net, max_hops=4).data][:4]
    nodes = sorted(net.graph)
    rng = random.Random(12)
    pairs += [tuple(rng.sample(nodes, 2)) for _ in range(8)]  # type: ignore[misc]
    return pairs


def test_paths(loaded: Loaded) -> None:
    """The shortest paths Cypher finds are graphsvc's paths of the shortest length."""
    net, conn = loaded.net, loaded.conn
    checked = 0
    for source, target in _pairs(net):
        (rows,) = run(conn, "paths.cypher", source=source, target=target)
        ours = paths(net, source, target, limit=50)
        theirs = {tuple(p) for _, p, _ in rows}
        if not ours.data:
            assert not rows, (source, target)
            continue
        shortest = ours.data[0].length
        assert {h for h, _, _ in rows} == {shortest}, (source, target)
        assert len(theirs) < 50  # graphsvc listed every shortest path, so they must agree
        assert theirs == {
            tuple(n.id for n in p.nodes) for p in ours.data if p.length == shortest
        }, (source, target)
        checked += 1
    assert checked >= 3


def test_paths_walk_every_relation_type() -> None:
    """paths.cypher names every relationship type of the schema (and no derived LINKED), in
    the Neo4j and the Kùzu text alike: a relation added to schema.yaml must be added there."""
    net = graphsvc.load()
    want = {type_of(r) for r in net.schema.relations}
    for path in (CYPHER / "paths.cypher", CYPHER / "kuzu" / "paths.cypher"):
        (types,) = re.findall(r"\[:([A-Z_|]+)\*", path.read_text(encoding="utf-8"))
        assert set(types.split("|")) == want, path


def test_cypher_names_the_bundled_schema() -> None:
    """The queries write the bundled schema.yaml's data model out in Cypher (which kind is the
    organisation, which organisations are joint, which partnership practises which model): a
    change there must be made in docs/cypher too (docs/scale.md lists the names)."""
    schema = graphsvc.load().schema
    assert schema.model_names == ALL_MODELS
    assert (schema.kind("organisation"), schema.kind("village"), schema.kind("township")) == (
        "party_org",
        "village",
        "township",
    )
    assert schema.kinds_with("partner") == {"enterprise", "university"}
    assert (schema.relation("member"), schema.relation("partner")) == ("member_of", "partner_of")
    assert (schema.joint.form, schema.joint.group_level) == ("joint", "党小组")
    assert [m for m in schema.model_names if not schema.joint_model(m)] == ["grid"]
    assert {
        m: schema.models[m].partners for m in schema.model_names if schema.models[m].partners
    } == {
        "village_village": ["village", "village"],
        "village_enterprise": ["village", "enterprise"],
        "village_university": ["village", "university"],
    }
    text = "".join(p.read_text(encoding="utf-8") for p in CYPHER.glob("*.cypher"))
    for name in (
        "'party_org'",
        "'village'",
        "'township'",
        "'enterprise'",
        "'university'",
        ":MEMBER_OF]",
        ":PARTNER_OF]",
        "';joint;'",
        "'党小组'",
        "'grid'",
        "'village_village'",
        "'village_enterprise'",
        "'village_university'",
    ):
        assert name in text, name
