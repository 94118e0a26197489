"""Check a seed as a whole, then build the frozen graph from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphsvc.errors import AmbiguousName, Problem, UnknownEntity, collapse
from graphsvc.loader.graph import GraphWriter
from graphsvc.loader.names import pinyin_and_initials
from graphsvc.loader.resolve import NameIndex
from graphsvc.loader.seedio import Row, SeedFiles
from graphsvc.model.records import Fact, FactRow, Relation, split_list
from graphsvc.model.schema import Schema


@dataclass
class Built:
    """The outcome of a build: the graph and what was learnt on the way."""

    graph: nx.MultiDiGraph
    index: NameIndex
    facts: dict[str, list[Fact]]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    completeness: list[dict[str, Any]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    """Nodes by kind, in the order kinds first appear (counted as the nodes are added)."""
    relations: Counter[str] = field(default_factory=Counter)
    """Edges by relation (counted as the edges are added)."""


def _ref_problem(exc: Exception, row: Row[Any], col: str) -> Problem:
    if isinstance(exc, AmbiguousName):
        return Problem(
            row.file,
            row.line,
            str(exc),
            "write the code or id instead, or TOWNSHIP/NAME such as 大石窝镇/辛庄村",
            col,
        )
    assert isinstance(exc, UnknownEntity)
    hint = "add the entity to entities.csv (or divisions.csv), or correct the reference"
    if exc.suggestions:
        hint = "did you mean " + " or ".join(f"{i} {n}" for i, n in exc.suggestions) + "?"
    return Problem(row.file, row.line, f"unknown entity '{exc.ref}'", hint, col)


class _Builder:
    def __init__(self, seed: SeedFiles, schema: Schema) -> None:
        self.seed = seed
        self.schema = schema
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.w = GraphWriter()  # construction; this class is the checks
        self.g = self.w.graph  # read through the public API while checking
        self.index = NameIndex(self.w.nodes)
        self._pinyin: dict[str, tuple[str, str]] = {}  # name -> (pinyin, initials)
        self.sources = {r.record.id for r in seed.sources}
        self.fact_rows: list[tuple[str, Row[FactRow]]] = []
        # ids of rows already reported as broken: references to them add no second error
        self.broken: set[str] = seed.broken_ids

    def err(self, row: Row[Any], field_: str, message: str, hint: str) -> None:
        self.problems.append(Problem(row.file, row.line, message, hint, field_))

    def check_source(self, row: Row[Any]) -> None:
        src = row.record.source
        if src not in self.sources and self.seed.has_sources:
            known = ", ".join(sorted(self.sources)) or "none yet"
            self.err(
                row,
                "source",
                f"unknown source '{src}'",
                f"add it to sources.csv or use one of: {known}",
            )

    def check_enum(self, row: Row[Any], field_: str, enum: str, values: list[str]) -> None:
        allowed = self.schema.enums.get(enum, [])
        for v in values:
            if v not in allowed:
                self.err(row, field_, f"unknown {enum} '{v}'", f"use one of: {', '.join(allowed)}")

    def resolve(self, row: Row[Any], col: str, ref: str) -> str | None:
        try:
            return self.index.resolve(ref)
        except (UnknownEntity, AmbiguousName) as exc:
            if ref.strip() not in self.broken:
                self.problems.append(_ref_problem(exc, row, col))
            return None

    # -- nodes -----------------------------------------------------------------------------
    def divisions(self) -> None:
        """Add every register unit as it streams in; link each to its parent afterwards.

        Nothing but the graph is kept per row, so a national register (~665,000 rows) costs
        no more memory than its nodes.
        """
        pending: list[tuple[str, str, str, str, str, int]] = []
        town_kind = self.schema.kind("township")  # a unit whose parent is one sits in it
        parent_of = self.schema.relation("part_of")
        nodes = self.w.nodes
        intern = self.w.strings.setdefault
        sources, check_sources = self.sources, self.seed.has_sources
        for row in self.seed.iter_divisions():
            d = row.record
            if check_sources and d.source not in sources:
                self.check_source(row)
            spec = self.schema.kinds.get(d.kind)
            if spec is None or spec.code_length is None:
                self.broken.add(d.code)
                coded = [k.name for k in self.schema.kinds.values() if k.code_length]
                self.err(
                    row,
                    "kind",
                    f"'{d.kind}' is not a kind keyed by an official code",
                    f"use one of: {', '.join(coded)} (other entities go in entities.csv)",
                )
                continue
            if len(d.code) != spec.code_length:
                self.err(
                    row,
                    "code",
                    f"a {d.kind} code has {spec.code_length} digits, not {len(d.code)}",
                    "check the code against the register",
                )
                continue
            if d.subtype and spec.subtypes and d.subtype not in spec.subtypes:
                self.err(
                    row,
                    "subtype",
                    f"unknown {d.kind} subtype '{d.subtype}'",
                    f"use one of: {', '.join(spec.subtypes)}",
                )
            if d.code in nodes:
                self.err(row, "code", f"duplicate code {d.code}", "each code may appear once")
                continue
            parent = intern(d.parent, d.parent) if d.parent is not None else None
            if spec.parent:
                if not parent:
                    self.err(
                        row,
                        "parent",
                        "is empty but required",
                        f"give the code of the {spec.parent} this {d.kind} belongs to",
                    )
                    continue
                pending.append((d.code, parent, spec.parent, d.source, row.file, row.line))
            # the attributes in their order, without None values, repeated values interned
            attrs: dict[str, Any] = {"kind": intern(d.kind, d.kind)}
            if d.subtype is not None:
                attrs["subtype"] = intern(d.subtype, d.subtype)
            attrs["name"] = d.name
            if d.register_name is not None:
                # equal to the name for 103k units nationally: one string, not two
                attrs["register_name"] = (d.name if d.register_name == d.name
                                          else d.register_name)
            if parent is not None and town_kind is not None and spec.parent == town_kind:
                attrs["township"] = parent
            attrs["code"] = d.code
            attrs["source"] = intern(d.source, d.source)
            self.add_node(d.code, attrs, interned=True)
        part_of: dict[str, dict[str, Any]] = {}
        for code, parent, parent_kind, source, file, line in pending:
            p = nodes.get(parent)
            if p is None or p["kind"] != parent_kind:
                self.problems.append(
                    Problem(
                        file,
                        line,
                        f"unknown {parent_kind} '{parent}'",
                        f"add the {parent_kind} to divisions.csv, or correct the code",
                        "parent",
                    )
                )
            elif not code.startswith(parent):
                self.problems.append(
                    Problem(
                        file,
                        line,
                        f"code {code} does not start with its parent's code {parent}",
                        "correct the code or the parent",
                        "code",
                    )
                )
            elif parent_of is not None:
                # what add_edge(code, parent, parent_of, {"source": source}) does: one shared
                # attribute dict per source, made once, not once per unit
                data = part_of.get(source)
                if data is None:
                    rel = self.schema.relations[parent_of]
                    data = part_of[source] = {"relation": parent_of, "label": rel.zh,
                                              "directed": rel.directed, "source": source}
                self.w.add_edge(code, parent, data, share=(parent_of, source))

    def entities(self) -> None:
        pending = []
        seen: set[str] = set()
        for row in self.seed.entities:
            e = row.record
            self.check_source(row)
            spec = self.schema.kinds.get(e.kind)
            if spec is None:
                self.broken.add(e.id)
                self.err(
                    row,
                    "kind",
                    f"unknown kind '{e.kind}'",
                    f"use one of: {', '.join(self.schema.kinds)} or declare it in schema.yaml",
                )
                continue
            if spec.code_length:
                self.broken.add(e.id)
                self.err(
                    row,
                    "kind",
                    f"a {e.kind} is keyed by its official code",
                    "put it in divisions.csv (`graphsvc import-divisions` writes it)",
                )
                continue
            if e.subtype and e.subtype not in spec.subtypes:
                self.err(
                    row,
                    "subtype",
                    f"unknown {e.kind} subtype '{e.subtype}'",
                    f"use one of: {', '.join(spec.subtypes) or '(none declared)'}",
                )
            if e.level:
                self.check_enum(row, "level", "level", [e.level])
            if e.form:
                self.check_enum(row, "form", "form", e.forms)
            if e.model:
                self.check_enum(row, "model", "model", [e.model])
            if e.id in self.g or e.id in seen:
                self.err(row, "id", f"duplicate id '{e.id}'", "give each entity its own id")
                continue
            seen.add(e.id)
            pending.append(row)
        town_kind = self.schema.kind("township")
        for row in pending:
            e = row.record
            township = None
            if e.township:
                township = self.resolve(row, "township", e.township)
                if township is not None and self.g.nodes[township]["kind"] != town_kind:
                    self.err(
                        row,
                        "township",
                        f"'{e.township}' is a {self.g.nodes[township]['kind']}, not a "
                        f"{town_kind or 'kind with role township in the schema'}",
                        f"give the {town_kind or 'township'}'s code or name",
                    )
                    township = None
            attrs = {
                "kind": e.kind,
                "subtype": e.subtype,
                "name": e.name,
                "township": township,
                "level": e.level,
                "form": ";".join(e.forms) or None,
                "model": e.model,
                "tags": ";".join(split_list(e.tags)) or None,
                "source": e.source,
                "note": e.note,
            }
            self.add_node(e.id, attrs)

    def add_node(self, node_id: str, attrs: dict[str, Any], interned: bool = False) -> None:
        """Add a checked node, with the pinyin of its name, to the graph and the name index."""
        name = attrs["name"]
        # once per distinct name: village names repeat across the country (363k distinct of
        # 665k register names), and equal names then share their pinyin strings too
        py = self._pinyin.get(name)
        if py is None:
            py = self._pinyin[name] = pinyin_and_initials(name)
        attrs["pinyin"], attrs["initials"] = py
        clean = self.w.add_node(node_id, attrs, interned)
        self.index.add(node_id, name, clean.get("township"))

    def aliases(self) -> None:
        """Add each alias to its entity. An alias that is already another entity's name or
        alias is an error naming both (it would make that name silently ambiguous)."""
        extra: dict[str, list[str]] = defaultdict(list)
        taken: dict[str, tuple[str, Row[Any]]] = {}  # alias -> (entity, its aliases.csv row)
        where = {r.record.id: r for r in self.seed.entities}
        for row in self.seed.aliases:
            self.check_source(row)
            target = self.resolve(row, "entity", row.record.entity)
            if target is None:
                continue
            alias = row.record.alias
            others = [n for n in self.index.by_name.get(alias, []) if n != target]
            named = [n for n in others if self.w.nodes[n]["name"] == alias]
            if named or (alias in taken and taken[alias][0] != target):
                self.err(row, "alias", *self._alias_clash(target, alias, named, taken, where))
                continue
            taken.setdefault(alias, (target, row))
            extra[target].append(alias)
        for node, names in extra.items():
            for alias in names:
                self.index.add_alias(node, alias)
            self.g.nodes[node]["aliases"] = ";".join(dict.fromkeys(names))

    def _alias_clash(
        self,
        target: str,
        alias: str,
        named: list[str],
        taken: dict[str, tuple[str, Row[Any]]],
        where: dict[str, Row[Any]],
    ) -> tuple[str, str]:
        nodes = self.w.nodes
        mine = f"{target} {nodes[target]['name']}"
        if named:
            other = named[0]
            row = where.get(other)
            place = (f"{row.file.rsplit('/', 1)[-1]}:{row.line}" if row is not None
                     else f"divisions.csv, code {other}")
            what = f"the name of {other} {nodes[other]['name']} ({place})"
        else:
            other, row = taken[alias]
            what = (f"already an alias of {other} {nodes[other]['name']} "
                    f"({row.file.rsplit('/', 1)[-1]}:{row.line})")
        return (
            f"alias '{alias}' of {mine} is {what}",
            "an alias may not be another entity's name or alias (that name would become "
            "ambiguous): remove the alias, or correct the entity it belongs to",
        )

    # -- edges -----------------------------------------------------------------------------
    def add_edge(self, u: str, v: str, relation: str, attrs: dict[str, Any]) -> None:
        """Add an edge of a declared relation (label and direction from the schema); edges
        carrying nothing but a source share one attribute dict (the register's part_of)."""
        spec = self.schema.relations[relation]
        data = {"relation": relation, "label": spec.zh, "directed": spec.directed, **attrs}
        plain = all(v is None for k, v in attrs.items() if k != "source")
        self.w.add_edge(u, v, data, share=(relation, attrs.get("source")) if plain else None)

    def relations(self) -> None:
        for row in self.seed.iter_relations():
            r: Relation = row.record
            self.check_source(row)
            spec = self.schema.relations.get(r.relation)
            u = self.resolve(row, "from", r.from_)
            v = self.resolve(row, "to", r.to)
            if spec is None:
                self.err(
                    row,
                    "relation",
                    f"unknown relation '{r.relation}'",
                    f"use one of: {', '.join(self.schema.relations)} or declare it in schema.yaml",
                )
                continue
            if r.role is not None and r.role not in spec.roles:
                self.err(
                    row,
                    "role",
                    f"unknown role '{r.role}' for {r.relation}",
                    f"use one of: {', '.join(spec.roles)}"
                    if spec.roles
                    else f"{r.relation} takes no role: leave it empty",
                )
            if u is None or v is None:
                continue
            ku, kv = self.g.nodes[u]["kind"], self.g.nodes[v]["kind"]
            if ku not in spec.from_ or kv not in spec.to:
                self.err(
                    row,
                    "relation",
                    f"{r.relation} cannot go from a {ku} ({u}) to a {kv} ({v})",
                    f"{r.relation} goes from {'/'.join(spec.from_)} to {'/'.join(spec.to)}",
                )
                continue
            if u == v:
                self.err(row, "to", f"relation from '{u}' to itself", "correct from or to")
                continue
            self.add_edge(
                u,
                v,
                r.relation,
                {
                    "role": r.role,
                    "since": r.since,
                    "until": r.until,
                    "source": r.source,
                    "note": r.note,
                },
            )

    # -- facts -----------------------------------------------------------------------------
    def facts(self) -> dict[str, list[Fact]]:
        out: dict[str, list[Fact]] = defaultdict(list)
        for row in self.seed.iter_facts():
            f = row.record
            self.check_source(row)
            self.check_enum(row, "fact", "fact", [f.fact])
            if f.model:
                self.check_enum(row, "model", "model", [f.model])
            spec = self.schema.fact(f.fact)
            if spec.value is not None and f.value is None:
                self.err(row, "value", f"a {f.fact} needs a number", "write the figure, e.g. 161.4")
            if spec.value == "count" and f.value is not None and not float(f.value).is_integer():
                self.err(row, "value", f"a {spec.en or f.fact} is a whole number", "write e.g. 5")
            if spec.year and f.year is None:
                self.err(
                    row,
                    "year",
                    f"a {f.fact} needs the year it holds for",
                    "write the year the source gives",
                )
            target = self.resolve(row, "entity", f.entity)
            if target is not None:
                out[target].append(Fact.from_row(f, target, self.w.intern))
                if spec.value == "count":
                    self.fact_rows.append((target, row))
        return out

    def completeness(self) -> list[dict[str, Any]]:
        rows = []
        for node, row in self.fact_rows:
            f = row.record
            spec = self.schema.counts.get(f.key)
            if spec is None:
                continue
            edges = (
                self.g.in_edges(node, data=True)
                if spec.direction == "in"
                else self.g.out_edges(node, data=True)
            )
            recorded = sum(
                1
                for u, v, d in edges
                if d["relation"] == spec.relation
                and self.g.nodes[u if spec.direction == "in" else v]["kind"] == spec.kind
            )
            declared = int(f.value or 0)
            rows.append(
                {
                    "entity": node,
                    "name": self.g.nodes[node]["name"],
                    "count": f.key,
                    "declared": declared,
                    "recorded": recorded,
                    "source": f.source,
                }
            )
            if recorded < declared:
                self.warnings.append(
                    Problem(
                        row.file,
                        row.line,
                        f"{node} {self.g.nodes[node]['name']}: {f.key} declared {declared}, "
                        f"recorded {recorded}",
                        "the source does not name the others",
                    )
                )
        return rows


def build(seed: SeedFiles, schema: Schema) -> Built:
    """Check the whole seed and build its graph; `problems` non-empty means it must not be used."""
    b = _Builder(seed, schema)
    ids = Counter(r.record.id for r in seed.sources)
    for row in seed.sources:
        if ids[row.record.id] > 1:
            b.err(
                row, "id", f"duplicate source id '{row.record.id}'", "give each source its own id"
            )
    b.divisions()
    b.entities()
    b.aliases()
    b.relations()
    facts = b.facts()
    b.problems.extend(seed.problems)  # last: the streamed tables add theirs as they are read
    b.problems = collapse(b.problems, seed.roots)  # the root causes first, their effects under
    completeness = b.completeness()
    b.index.freeze()
    return Built(b.w.frozen(), b.index, dict(facts), b.problems, b.warnings, completeness,
                 b.w.kind_counts, b.w.relation_counts)
