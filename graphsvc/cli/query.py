"""`graphsvc query ...`: the analyst's questions on the command line (tables or --json)."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from graphsvc import queries as q
from graphsvc.cli import common as cli
from graphsvc.errors import InvalidQuery
from graphsvc.queries.registry import REGISTRY, Param, Query, old_weights, split


def width(text: str) -> int:
    """Display width of a text in a terminal: wide (W/F) East Asian characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, size: int) -> str:
    """`text` padded with spaces to `size` display columns."""
    return text + " " * max(0, size - width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table whose columns line up with Chinese text."""
    cells = [[("" if c is None else str(c)) for c in r] for r in rows]
    sizes = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, s) for h, s in zip(headers, sizes, strict=True)).rstrip(),
             "  ".join("-" * s for s in sizes)]
    lines += ["  ".join(pad(c, s) for c, s in zip(r, sizes, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _town(r: Any) -> str:
    return str(r.township_name or "")


# -- text renderers ---------------------------------------------------------------------
def shown(r: Any) -> str:
    """" (showing 101–200 of 620573)" when a list answer is one page of a longer one."""
    if r.count == r.total:
        return ""
    if not r.count:
        return f" (none shown of {r.total}: --offset {r.offset} is past the end)"
    return f" (showing {r.offset + 1}–{r.offset + r.count} of {r.total})"


def show_weak_linked(r: q.WeakLinkedResult) -> str:
    head = (f"{r.total} links of {r.weak_total} weak entities to strong ones, {r.year} "
            f"(max hops {r.max_hops}, models {', '.join(r.models)}){shown(r)}")
    rows = [(x.weak.name, _town(x.weak), x.strong.name, "/".join(x.model_labels), x.hops,
             x.path.text, ",".join(x.sources)) for x in r.data]
    return head + "\n" + table(["weak", "township", "strong", "model", "hops", "path",
                                "sources"], rows)


def show_gaps(r: q.GapsResult) -> str:
    rows = [(s.township.name if s.township else "(district)", s.villages, s.weak,
             s.weak_without_strong, s.villages_without_org, s.status_unknown, s.orgs,
             s.orgs_without_strong, s.orgs_without_enterprise_or_university) for s in r.summary]
    heads = ["township", "villages", "weak", "weak w/o strong", "no org", "status unknown",
             "orgs", "org w/o strong", "org w/o ent/uni"]
    out = [f"gaps, {r.year}: {r.total} gaps{shown(r)}", table(heads, rows), ""]
    listed = [g for g in r.data if g.gap != "village_without_org"]
    out.append(table(["gap", "entity", "township", "detail"],
                     [(g.gap, g.entity.name, _town(g.entity), g.detail) for g in listed]))
    n = sum(1 for g in r.data if g.gap == "village_without_org")
    out.append(f"\n{n} villages{' on this page' if r.count != r.total else ''} are in no joint "
               "organisation (--json lists them)")
    return "\n".join(out)


def show_coverage(r: q.CoverageResult) -> str:
    models = list(r.district.by_model)

    def practised(c: q.CoverageRow, m: str) -> str:
        # a model whose joint organisations list no members: its count is not "none"
        return "not recorded" if (
            m in c.membership_not_recorded and not c.by_model[m]) else str(c.by_model[m])

    rows = [(c.township.name if c.township else "(district)", c.villages, c.in_joint_org,
             *(practised(c, m) for m in models), c.weak, c.strong, c.unknown,
             f"{c.recorded_members}/{c.declared_members}")
            for c in [*r.by_township, r.district]]
    a = table(["township", "villages", "in joint org", *models, "weak", "strong", "unknown",
               "members rec/decl"], rows)
    b = table(["model", "label", "orgs", "membership", "villages", "by member/fact",
               "members by kind", "weak", "strong", "unknown", "members rec/decl"],
              [(m.model, m.label, m.orgs, m.membership, m.villages,
                f"{m.villages_by_membership}/{m.villages_by_fact}",
                ", ".join(f"{k} {n}" for k, n in m.members_by_kind.items()), m.weak, m.strong,
                m.unknown, f"{m.recorded_members}/{m.declared_members}") for m in r.by_model])
    return f"coverage, {r.year}: {r.total} townships{shown(r)}\n{a}\n\nby model\n{b}"


def show_outcomes(r: q.OutcomesResult) -> str:
    a = table(["model", "entity", "key", "value", "unit", "year", "source"],
              [(o.model_label or "-", o.entity.name, o.key,
                "" if o.value is None else f"{o.value:,.10g}", o.unit, o.year, o.source)
               for o in r.data])
    b = table(["model", "key", "total", "unit", "n", "years", "sources"],
              [(t.model or "-", t.key, f"{t.total:,.10g}", t.unit, t.n,
                ",".join(map(str, t.years)), ",".join(t.sources)) for t in r.by_model])
    return f"{r.total} indicators{shown(r)}\n{a}\n\ntotals by model (every indicator)\n{b}"


def show_metrics(r: q.MetricsResult) -> str:
    out = [f"{r.nodes} nodes, {r.edges} edges, data version {r.data_version}"]
    for title, rows in (("most connected (degree)", r.most_connected),
                        ("bridges (betweenness)", r.bridges), ("PageRank", r.pagerank)):
        out += ["", title, table(["#", "entity", "kind", "township", "value"],
                                 [(m.rank, m.entity.name, m.entity.kind, _town(m.entity),
                                   f"{m.value:g}") for m in rows])]
    return "\n".join(out)


def show_communities(r: q.CommunitiesResult) -> str:
    rows = []
    for c in r.data:
        best = c.official[0] if c.official else None
        rows.append((c.id, c.name, c.size, best.org.name if best else "-",
                     f"{best.jaccard:g}" if best else "",
                     "、".join(m.name for m in c.members[:6]) + ("…" if c.size > 6 else "")))
    return (f"{r.total} communities (Louvain, seed {r.seed}, modularity {r.modularity:g}; "
            f"{r.isolated} entities have only administrative links){shown(r)}\n"
            + table(["#", "named after", "size", "closest official org", "jaccard", "members"],
                    rows))


def show_community(r: q.CommunityResult) -> str:
    official = "; ".join(f"{m.org.name} (jaccard {m.jaccard:g}, {m.shared} shared)"
                         for m in r.official[:3]) or "-"
    return (f"community {r.id}, named after {r.name}: {r.total} members{shown(r)}\n"
            f"closest official orgs: {official}\n"
            + table(["member", "kind", "township", "id"],
                    [(m.name, m.kind, _town(m), m.id) for m in r.data]))


def show_group_metrics(r: q.GroupMetricsResult) -> str:
    rows = [(m.org.name, m.model or "-", m.members, _counts(m.by_kind), m.weak, m.strong,
             m.unknown, "、".join(t.name for t in m.townships)) for m in r.data]
    return (f"{r.total} joint organisations, {r.year}{shown(r)}\n"
            + table(["organisation", "model", "members", "by kind", "weak", "strong", "unknown",
                     "townships"], rows))


def show_recommend(r: q.RecommendResult) -> str:
    names = list(q.PRINCIPLES)
    rows = [(c.rank, c.entity.name, f"{c.score:.3f}", c.status,
             *("-" if p.score is None else f"{p.score:g}" for p in c.principles),
             "、".join(v.name for v in c.linked_via)) for c in r.data]
    out = [f"partners for {r.village.name} ({_town(r.village)}, {r.status.status} in {r.year})",
           "constraints: " + "; ".join(r.constraints),
           "weights: " + ", ".join(f"{k} {v:g}" for k, v in r.weights.items()),
           table(["#", "candidate", "score", "status",
                  *(f"{n} {q.PRINCIPLES[n]}" for n in names), "already linked via"], rows)]
    if r.missing:
        out.append("missing data (scored 0): " + ", ".join(r.missing))
    return "\n".join(out)


def show_tree(r: q.TreeResult) -> str:
    lines: list[str] = []

    def walk(n: q.TreeNode, depth: int) -> None:
        tag = f"  [{n.relation}{'/' + n.role if n.role else ''}]" if n.relation else ""
        lines.append("  " * depth + f"{n.entity.name} ({n.entity.id}){tag}")
        for c in n.children:
            walk(c, depth + 1)

    walk(r.root, 0)
    return "\n".join(lines) + f"\n{r.count} entities"


def show_members(r: q.MembersResult) -> str:
    m = r.metrics
    head = (f"{r.org.name} — {r.level or ''} {'/'.join(r.form)} {r.model_label or ''}\n"
            f"{r.count} members; weak {m.weak}, strong {m.strong}, unknown {m.unknown}; "
            f"townships {', '.join(t.name for t in m.townships)}; declared "
            f"{_counts(m.declared_members)}, recorded {_counts(m.recorded_members)}")
    return head + "\n" + table(["member", "kind", "township", "role", f"status {r.year}",
                                "since", "source"],
                               [(x.entity.name, x.entity.kind, _town(x.entity),
                                 x.role_label or "", x.status, x.since or "", x.cite or "")
                                for x in r.data])


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "-"


def show_neighbors(r: q.NeighborsResult) -> str:
    return (f"{r.count} entities within {r.hops} hops of {r.center.name}\n"
            + table(["hops", "entity", "kind", "township", "via"],
                    [(n.distance, n.entity.name, n.entity.kind, _town(n.entity),
                      n.via.label + ("→" if n.via.forward else "←")) for n in r.data]))


def show_paths(r: q.PathsResult) -> str:
    if not r.data:
        return f"no path between {r.source.name} and {r.target.name}"
    return "\n".join(f"{p.length}  {p.text}" for p in r.data)


def show_common(r: q.CommonNeighborsResult) -> str:
    return (f"{r.count} common neighbours of {'、'.join(e.name for e in r.entities)}\n"
            + table(["entity", "kind", "links"],
                    [(c.entity.name, c.entity.kind, ", ".join(e.label for e in c.links))
                     for c in r.data]))


def show_search(r: q.SearchResult) -> str:
    head = f"{r.count} matches for '{r.text}'" + (" — ambiguous: give a township (--township)"
                                                   if r.ambiguous else "")
    return head + "\n" + table(["score", "reason", "name", "township", "id", "why"],
                               [(f"{m.score:g}", m.reason, m.entity.name, _town(m.entity),
                                 m.entity.id, m.explanation) for m in r.data])


def show_entities(r: q.EntityList) -> str:
    rows = [(e.id, e.name, e.kind, e.subtype or "", e.township_name or "", e.model or "")
            for e in r.data]
    more = f"\nnext page: --cursor {r.next}" if r.next else ""
    return (f"{r.count} entities\n"
            + table(["id", "name", "kind", "subtype", "township", "model"], rows) + more)


def show_entity(r: q.EntityDetail) -> str:
    out = [f"{r.name} ({r.id}) — {r.kind}{' / ' + r.subtype if r.subtype else ''}"
           + (f", {r.township_name}" if r.township_name else "")]
    if r.aliases:
        out.append("aliases: " + "、".join(r.aliases))
    out += [f"{k}: {v}" for k, v in r.attributes.items()]
    out.append(f"status {r.status.year}: {r.status.status}"
               + "".join(f"\n  {e.side} by {e.rule}: {e.key} {e.year or ''} ({e.source})"
                         for e in r.status.evidence))
    if r.facts:
        out += ["", "facts", table(
            ["fact", "key", "value", "unit", "year", "model", "source"],
            [(f.fact, f.key, "" if f.value is None else f"{f.value:,.10g}", f.unit, f.year,
              f.model, f.source.id) for f in r.facts])]
    if r.relations:
        out += ["", "relations", table(
            ["relation", "direction", "count", "entities"],
            [(g.label, "→" if g.direction == "out" else "←", g.count,
              "、".join(e.name for e in g.entities[:8]) + ("…" if g.count > 8 else ""))
             for g in r.relations])]
    return "\n".join(out)


# -- commands: built from the query registry ---------------------------------------------
SHOW: dict[str, Callable[[Any], str]] = {
    "weak-linked": show_weak_linked, "gaps": show_gaps, "coverage": show_coverage,
    "group-metrics": show_group_metrics, "outcomes": show_outcomes, "metrics": show_metrics,
    "communities": show_communities, "community": show_community, "recommend": show_recommend,
    "tree": show_tree,
    "members": show_members, "neighbors": show_neighbors, "paths": show_paths,
    "common-neighbors": show_common, "search": show_search, "entities": show_entities,
    "show": show_entity,
}
"""How each query's answer reads in a terminal (--json prints the model as JSON)."""


def deprecated(old: str, new: str) -> None:
    """Say on stderr that an old spelling was used (stdout stays the answer)."""
    print(f"graphsvc: note: {old} is deprecated; use {new} (see CHANGELOG.md)", file=sys.stderr)


def _value(param: Param) -> Callable[[str], Any]:
    """The argparse `type` of a parameter: the text as the library's value, within the limits
    of the registry (else a usage error: exit 2 and the message)."""

    def convert(text: str) -> Any:
        try:
            if param.text is not None:
                if param.name == "weights" and old_weights(text):
                    deprecated("--weights NAME=NUMBER", "--weights NAME:NUMBER")
                return param.text(text)
            value = param.type(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{param.name}: '{text}' is not {_A[param.type]}") from None
        try:
            return param.check_one(value)
        except InvalidQuery as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = param.type.__name__  # argparse names the type in its messages
    return convert


_A = {int: "a whole number", float: "a number", str: "a text"}


class _Repeated(argparse.Action):
    """A repeated option: every value (each may be comma-separated) in one list; an older
    spelling of the option says it is deprecated."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if option_string in self.deprecated:  # type: ignore[attr-defined]
            deprecated(option_string or "", self.option_strings[0])
        items = list(getattr(namespace, self.dest, None) or [])
        items += split([values] if isinstance(values, str) else list(values)) or []
        setattr(namespace, self.dest, items)


class _Single(argparse.Action):
    """A single-valued option whose older spelling says it is deprecated."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if option_string in self.deprecated:  # type: ignore[attr-defined]
            deprecated(option_string or "", self.option_strings[0])
        setattr(namespace, self.dest, values)


def _help(param: Param) -> str:
    shown = param.help
    if param.default is not None and not param.positional and "default" not in shown:
        shown += f" (default {param.default})"
    if param.deprecated_flags:
        shown += f"; {', '.join(param.deprecated_flags)} is the deprecated spelling"
    return shown


def add_param(p: argparse.ArgumentParser, param: Param) -> None:
    """The argument of one registry parameter."""
    if param.positional:
        p.add_argument(param.name, metavar=param.cli_flag, help=_help(param),
                       nargs="+" if param.repeated else None, type=_value(param))
        return
    flags = [param.cli_flag, *param.deprecated_flags]
    options: dict[str, Any] = {"choices": param.choices}
    if not param.repeated:
        options["type"] = _value(param)
    a = p.add_argument(*flags, dest=param.name, action=_Repeated if param.repeated else _Single,
                       default=param.default, metavar=param.metavar or param.name.upper(),
                       help=_help(param), **options)
    a.deprecated = set(param.deprecated_flags)  # type: ignore[attr-defined]


def _handler(query: Query) -> cli.Handler:
    show = SHOW[query.name]

    def handle(args: argparse.Namespace) -> int:
        used = getattr(args, "query", None)
        if used in query.deprecated_cli:
            deprecated(f"graphsvc query {used}", "graphsvc " + " ".join(query.cli))
        kwargs = {p.name: p.check(getattr(args, p.name)) for p in query.params}
        net = cli.load_seed(args)
        result = query.func(net, **kwargs)
        if args.json:
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:
            print(show(result))
        return 0

    return handle


def add_query(sub: Any, query: Query) -> argparse.ArgumentParser:
    """The subcommand of one registry query."""
    help_ = query.summary
    p: argparse.ArgumentParser = sub.add_parser(
        query.cli[-1], aliases=list(query.deprecated_cli), help=help_,
        description=help_[0].upper() + help_[1:] + "."
        + (f" ({', '.join(query.deprecated_cli)}: the deprecated name.)"
           if query.deprecated_cli else ""))
    for param in query.params:
        add_param(p, param)
    p.add_argument("--json", action="store_true", help="print JSON (see docs/queries.md)")
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    p.set_defaults(handler=_handler(query), command=query.cli[0])
    return p


def register(sub: Any) -> None:
    """Add `graphsvc query ...`, `graphsvc entities` and `graphsvc show` to the parser."""
    parser = sub.add_parser("query", help="ask the analyst's questions (tables or --json)",
                            description="Ask the analyst's questions of a seed.")
    qs = parser.add_subparsers(dest="query", metavar="QUERY", help="the question to ask")
    qs.required = True
    for query in REGISTRY.values():
        add_query(qs if query.cli[0] == "query" else sub, query)
