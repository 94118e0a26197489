"""The core object: a loaded, frozen network and everything known about it."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx

from graphsvc._gc import gc_paused
from graphsvc.cache import NetworkCache
from graphsvc.errors import InvalidSeed, Problem
from graphsvc.loader.build import build
from graphsvc.loader.resolve import NameIndex
from graphsvc.loader.seedio import read_seed, seed_version
from graphsvc.model.records import Fact, Source
from graphsvc.model.schema import Schema
from graphsvc.model.status import Rules, Status, Statuses


@dataclass(frozen=True)
class LoadReport:
    """What a load found: counts, warnings, completeness and the data version."""

    seed_dir: str
    data_version: str
    files: list[str]
    nodes: int
    edges: int
    kinds: dict[str, int]
    relations: dict[str, int]
    facts: dict[str, int]
    sources: list[str]
    completeness: list[dict[str, Any]]
    warnings: list[Problem] = field(default_factory=list)
    load_seconds: float = 0.0
    from_snapshot: bool = False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        d = dict(self.__dict__)
        d["warnings"] = [w.as_dict() for w in self.warnings]
        return d

    def text(self) -> str:
        """The report as a person reads it in a terminal."""
        lines = [
            f"seed          {self.seed_dir}",
            f"data version  {self.data_version}",
            f"graph         {self.nodes} nodes, {self.edges} edges "
            f"(loaded in {self.load_seconds:.2f} s"
            + (", from a snapshot)" if self.from_snapshot else ")"),
            "entities      " + ", ".join(f"{k} {n}" for k, n in self.kinds.items()),
            "relations     " + ", ".join(f"{k} {n}" for k, n in self.relations.items()),
            "facts         " + (", ".join(f"{k} {n}" for k, n in self.facts.items()) or "none"),
            "sources       " + ", ".join(self.sources),
        ]
        if self.completeness:
            lines.append("completeness  (declared vs recorded)")
            for c in self.completeness:
                mark = "ok" if c["recorded"] >= c["declared"] else "incomplete"
                lines.append(
                    f"  {c['name']} ({c['entity']}): {c['count']} declared "
                    f"{c['declared']}, recorded {c['recorded']}  [{mark}, {c['source']}]"
                )
        lines.append(f"warnings      {len(self.warnings)}")
        lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


class Network:
    """A loaded seed: the frozen graph (`.graph`), its facts, sources, rules and lookups.

    Build one with :func:`graphsvc.load`. The object never changes after it is made;
    a reload makes a new one.

    >>> import graphsvc
    >>> net = graphsvc.load()
    >>> net.entity("黄山店村")["id"]
    '110111009212'
    >>> net.graph.nodes["110111009212"]["kind"], net.graph.nodes["110111"]["name"]
    ('village', '房山区')
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        schema: Schema,
        rules: Rules,
        sources: dict[str, Source],
        facts: dict[str, list[Fact]],
        index: NameIndex,
        report: LoadReport,
        seed_dir: Path,
    ) -> None:
        self.graph = graph
        self.schema = schema
        self.rules = rules
        self.sources = sources
        self.facts = facts
        self.index = index
        self.report = report
        self.seed_dir = seed_dir
        self.loaded_at = time.time()
        self.cache = NetworkCache()
        """Everything computed from this network (indexes, answers): see graphsvc.cache."""
        self.snapshot_root: Path | None = None
        """The seed directory whose snapshot this network may be saved as, with its cache
        (set by `load` when snapshots are on; None for a network built otherwise, such as one
        with hidden attributes, whose answers are not the seed's)."""

    @property
    def data_version(self) -> str:
        """A content hash of the seed files: equal versions mean equal data."""
        return self.report.data_version

    def __repr__(self) -> str:
        return (
            f"<Network {self.seed_dir.name}: {self.graph.number_of_nodes()} nodes, "
            f"{self.edge_count} edges, version {self.data_version}>"
        )

    @cached_property
    def edge_count(self) -> int:
        """The number of edges (`graph.number_of_edges()`), counted once: the graph never
        changes. networkx counts through its degree view, about 1 s for 906k edges; the
        adjacency's lengths give the same number in a sixth of that."""
        return edge_count(self.graph)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and ref in self.graph

    # -- lookup ----------------------------------------------------------------------------
    def resolve(self, ref: str, township: str | None = None) -> str:
        """The id of the entity a code, id, name or alias names (inside `township` if given).

        >>> import graphsvc
        >>> net = graphsvc.load()
        >>> net.resolve("辛庄村", township="大石窝镇")
        '110111109212'
        """
        if township is not None and ref not in self.index:
            return self.index.resolve(f"{township}/{ref}")
        return self.index.resolve(ref)

    def entity(self, ref: str, township: str | None = None) -> dict[str, Any]:
        """One entity's attributes and `id`; raises `UnknownEntity` or `AmbiguousName`."""
        node = self.resolve(ref, township)
        return {"id": node, **self.graph.nodes[node]}

    def name(self, node: str) -> str:
        """The display name of an entity id."""
        return str(self.graph.nodes[node]["name"])

    def facts_of(self, ref: str) -> list[Fact]:
        """Every fact recorded about an entity."""
        return list(self.facts.get(self.resolve(ref), []))

    # -- status ----------------------------------------------------------------------------
    @cached_property
    def years(self) -> list[int]:
        """Every year some fact holds for, ascending."""
        return sorted({f.year for fs in self.facts.values() for f in fs if f.year is not None})

    @cached_property
    def status_years(self) -> list[int]:
        """Every year of a fact the status rules look at, ascending."""
        keys = self.rules.keys()
        return sorted(
            {
                f.year
                for fs in self.facts.values()
                for f in fs
                if f.year is not None and f.key in keys
            }
        )

    def default_year(self) -> int:
        """The latest year with data (the default year of status queries)."""
        return self.years[-1] if self.years else time.gmtime().tm_year

    def statuses(self, year: int | None = None) -> Statuses:
        """Every known (weak or strong) status for a year, computed once per year: a mapping
        from entity id to :class:`Status`; its `names` give the status alone."""
        y = self.default_year() if year is None else year
        return self.cache.index(f"statuses {y}", lambda: Statuses(self.rules, self.facts, y))

    def status(self, ref: str, year: int | None = None) -> Status:
        """The status of one entity for a year (default: the latest year with data), with evidence.

        >>> import graphsvc
        >>> net = graphsvc.load()
        >>> net.status("黄山店村", 2022).status, net.status("泗马沟村", 2022).status
        ('strong', 'weak')
        """
        node = self.resolve(ref)
        y = self.default_year() if year is None else year
        return self.statuses(y).get(node) or Status(node, y, "unknown")

    # -- exports ---------------------------------------------------------------------------
    def export(self, fmt: str, dest: Any, **filters: Any) -> Any:
        """Write the graph (or a filtered subgraph) as `fmt` to a path or an open binary file.

        `fmt` is one of graphml, gexf, json, csv, neo4j; see :mod:`graphsvc.export`.
        """
        from graphsvc.export import export

        return export(self, fmt, dest, **filters)


SNAPSHOT_MIN_SECONDS = 1.0
"""Loads that take longer than this leave a snapshot (smaller seeds are cheaper to rebuild)."""


def load(
    seed_dir: str | Path | None = None,
    *,
    snapshot: bool | None = None,
    progress: Callable[[str, int], None] | None = None,
    serving: bool = False,
) -> Network:
    """Load a seed directory (default: the bundled Fangshan seed) into a :class:`Network`.

    Every file is read and every record checked; if anything is wrong, :class:`InvalidSeed`
    lists every problem and nothing is built.

    `snapshot`: None (default) reuses a snapshot of this exact data version if one exists and
    writes one after a load slower than a second; True always writes one; False neither reads
    nor writes (also set by the environment variable GRAPHSVC_SNAPSHOT=0).

    `serving`: load for a server (`graphsvc serve` does): also read the indexes and answers
    a server's warm-up saved with the snapshot into the network's cache (a library load leaves
    them, and the memory they take, on disk), and freeze what was loaded for the cyclic garbage
    collector (`gc.freeze`: its first collections would otherwise walk the millions of objects
    just made, seconds each at national scale; the server unfreezes them when a reload
    replaces the network).

    `progress`, if given, is told (file name, rows read) as large tables stream in, and
    ("snapshot", 0) before a snapshot is read: a terminal can show a long load moving.
    """
    from graphsvc.loader.bundled import bundled_seed
    from graphsvc.loader.snapshot import read_snapshot, snapshot_path, write_snapshot

    started = time.perf_counter()
    root = Path(seed_dir) if seed_dir is not None else bundled_seed()
    if not root.is_dir():
        raise FileNotFoundError(f"seed directory not found: {root}")
    if snapshots_off():
        snapshot = False
    version, _ = seed_version(root)
    if snapshot is not False:
        if progress is not None and snapshot_path(root, version).exists():
            progress("snapshot", 0)
        with gc_paused(freeze=serving):
            parts = read_snapshot(root, version, extra=serving)
        if parts is not None:
            report = replace(
                parts["report"],
                seed_dir=str(root),
                from_snapshot=True,
                load_seconds=round(time.perf_counter() - started, 3),
            )
            net = Network(
                parts["graph"],
                parts["schema"],
                parts["rules"],
                parts["sources"],
                parts["facts"],
                parts["index"],
                report,
                root,
            )
            counted = parts.get("summary", {}).get("sizes", {})
            if counted.get("nodes") == net.graph.number_of_nodes() and "edges" in counted:
                # counted from this very graph when the snapshot was written (and signed)
                net.__dict__["edge_count"] = counted["edges"]
            if "extra" in parts:
                net.cache.restore(parts["extra"])
            net.snapshot_root = root
            return net
    net = _build(root, started, progress, freeze=serving)
    if snapshot is not False:
        net.snapshot_root = root
    if snapshot or (snapshot is None and net.report.load_seconds > SNAPSHOT_MIN_SECONDS):
        write_snapshot(root, net.data_version, snapshot_parts(net), summary=snapshot_summary(net))
    return net


def snapshots_off() -> bool:
    """Whether the environment turns snapshots off (GRAPHSVC_SNAPSHOT=0, false, no or off)."""
    return os.environ.get("GRAPHSVC_SNAPSHOT", "1") in ("0", "false", "no", "off")


def edge_count(g: nx.MultiDiGraph) -> int:
    """`g.number_of_edges()`, from the lengths of its adjacency dicts."""
    if not g.is_directed():
        return int(g.number_of_edges())
    if g.is_multigraph():
        return sum(sum(map(len, nbrs.values())) for nbrs in g._adj.values())
    return sum(map(len, g._adj.values()))


def sizes(net: Network) -> dict[str, int]:
    """The counts of nodes, edges and facts of a network (what a reload guards)."""
    return {"nodes": net.graph.number_of_nodes(), "edges": net.edge_count,
            "facts": sum(len(fs) for fs in net.facts.values())}


def snapshot_summary(net: Network) -> dict[str, Any]:
    """What a snapshot of `net` says about it before its network is read (see
    :func:`peek_snapshot`)."""
    return {"sizes": sizes(net), "network": repr(net)}


def peek_snapshot(seed_dir: str | Path) -> dict[str, Any] | None:
    """The summary of the current snapshot of a seed directory, without reading its network:
    `data_version`, `sizes`, `network` (how the network prints) and `extra` (whether a warm-up
    was saved with it); None when there is no current, trustworthy snapshot (or snapshots
    are off). A current snapshot means the seed files of that version were read and checked
    when it was written."""
    from graphsvc.loader.snapshot import read_summary

    if snapshots_off():
        return None
    root = Path(seed_dir)
    version, _ = seed_version(root)
    found = read_summary(root, version)
    if found is None or "sizes" not in found["summary"]:
        return None
    return {"data_version": version, "extra": bool(found["extra"]), **found["summary"]}


def save_snapshot(net: Network) -> Path | None:
    """Write the snapshot of `net` again, with its cache: what was built from it since it was
    loaded (the server's warm-up: statuses, indexes, the search index, whole answers, the map
    layout), so that the next start from this data version finds them built.

    Only for a network `load` made with snapshots on, and only when its cache holds something
    the snapshot does not; returns the snapshot's path, or None when nothing was written.
    """
    from graphsvc.loader.snapshot import write_snapshot

    if net.snapshot_root is None or not net.cache.unsaved():
        return None
    cache = net.cache.saved()
    written = write_snapshot(net.snapshot_root, net.data_version, snapshot_parts(net), cache,
                             summary=snapshot_summary(net))
    if written is not None:
        net.cache.mark_saved(cache)
    return written


def snapshot_parts(net: Network) -> dict[str, Any]:
    """What a snapshot of `net` holds (see :mod:`graphsvc.loader.snapshot`)."""
    return {
        "data_version": net.data_version,
        "graph": net.graph,
        "schema": net.schema,
        "rules": net.rules,
        "sources": net.sources,
        "facts": net.facts,
        "index": net.index,
        "report": net.report,
    }


def _build(
    root: Path, started: float, progress: Callable[[str, int], None] | None = None,
    freeze: bool = False,
) -> Network:
    """Read, check and build a seed directory (no snapshot)."""
    with gc_paused(freeze):
        seed = read_seed(root, progress)
        if seed.schema is None:
            raise InvalidSeed(seed.problems)
        built = build(seed, seed.schema)
    if built.problems:
        raise InvalidSeed(built.problems, built.warnings)
    g = built.graph
    fact_types = Counter(f.fact for fs in built.facts.values() for f in fs)
    report = LoadReport(
        seed_dir=str(root),
        data_version=seed.data_version,
        files=seed.files,
        nodes=g.number_of_nodes(),
        # counted by the builder as it went: recounting walks 720k nodes and 906k edges again
        edges=sum(built.relations.values()),
        kinds=dict(built.kinds.most_common()),
        relations=dict(built.relations.most_common()),
        facts=dict(fact_types.most_common()),
        sources=[s.record.id for s in seed.sources],
        completeness=built.completeness,
        warnings=built.warnings,
        load_seconds=round(time.perf_counter() - started, 3),
    )
    sources = {s.record.id: s.record for s in seed.sources}
    return Network(g, seed.schema, seed.rules, sources, built.facts, built.index, report, root)
