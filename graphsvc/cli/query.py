"""`graphsvc query ...`: the analyst's questions on the command line (tables or --json)."""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from graphsvc import queries as q
from graphsvc.cli import common as cli
from graphsvc.errors import InvalidQuery
from graphsvc.network import Network


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


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _weights(value: str | None) -> dict[str, float] | None:
    if not value:
        return None
    out: dict[str, float] = {}
    for part in value.split(","):
        name, sep, num = part.partition("=")
        try:
            out[name.strip()] = float(num)
        except ValueError:
            raise InvalidQuery(f"--weights takes NAME=NUMBER pairs separated by commas, such as "
                               f"adjacent=2,industry=1; not '{part}'") from None
        if not sep:
            raise InvalidQuery(f"--weights: '{part}' has no '=NUMBER'")
    return out


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


# -- commands ---------------------------------------------------------------------------
Runner = Callable[[Network, argparse.Namespace], BaseModel]
Shower = Callable[[Any], str]


def _handler(run: Runner, show: Shower) -> cli.Handler:
    def handle(args: argparse.Namespace) -> int:
        net = cli.load_seed(args)
        result = run(net, args)
        if args.json:
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:
            print(show(result))
        return 0

    return handle


def _add(sub: Any, name: str, help_: str, run: Runner, show: Shower, year: bool = False) -> Any:
    p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/queries.md)")
    p.add_argument("--seed", metavar="SEED_DIR", help="seed directory (default: bundled)")
    if year:
        p.add_argument("--year", type=int, help="year of the statuses (default: latest with data)")
    p.set_defaults(handler=_handler(run, show), command="query")
    return p


def _paging(p: Any, what: str) -> None:
    """--limit and --offset, as every list answer pages (the library's and the API's names)."""
    p.add_argument("--limit", type=int, help=f"show at most this many {what} (default: all)")
    p.add_argument("--offset", type=int, default=0, help=f"skip this many {what} first")


def register(sub: Any) -> None:
    """Add `graphsvc query ...` to the command-line parser."""
    parser = sub.add_parser("query", help="ask the analyst's questions (tables or --json)",
                            description="Ask the analyst's questions of a seed.")
    qs = parser.add_subparsers(dest="query", metavar="QUERY", help="the question to ask")
    qs.required = True

    p = _add(qs, "weak-linked", "weak villages and the strong entities they are linked to",
             lambda n, a: q.weak_linked(n, a.year, _csv(a.models), a.max_hops, a.township,
                                        limit=a.limit, offset=a.offset),
             show_weak_linked, year=True)
    p.add_argument("--models", help="comma-separated models (default: all five)")
    p.add_argument("--max-hops", type=int, default=1, help="links to follow (default 1)")
    p.add_argument("--township", help="only this township (code or name)")
    _paging(p, "links")

    p = _add(qs, "gaps", "weak villages without strong links, unorganised villages, weak orgs",
             lambda n, a: q.gaps(n, a.year, a.township, limit=a.limit, offset=a.offset),
             show_gaps, year=True)
    p.add_argument("--township", help="only this township (code or name)")
    _paging(p, "gaps")

    p = _add(qs, "coverage", "coverage and completeness by township and by model",
             lambda n, a: q.coverage(n, a.year, limit=a.limit, offset=a.offset), show_coverage,
             year=True)
    _paging(p, "townships")

    p = _add(qs, "group-metrics", "members by kind and statuses of every joint organisation",
             lambda n, a: q.group_metrics(n, a.year, limit=a.limit, offset=a.offset),
             show_group_metrics, year=True)
    _paging(p, "organisations")

    p = _add(qs, "outcomes", "indicators the sources give, per model, organisation and year",
             lambda n, a: q.outcomes(n, a.year, a.model, limit=a.limit, offset=a.offset),
             show_outcomes, year=True)
    p.add_argument("--model", help="only this model")
    _paging(p, "indicators")

    p = _add(qs, "metrics", "most connected, bridges and PageRank",
             lambda n, a: q.metrics(n, a.top), show_metrics)
    p.add_argument("--top", type=int, default=20, help="rows per metric (default 20)")

    p = _add(qs, "communities", "Louvain communities compared with the official joint orgs",
             lambda n, a: q.communities(n, limit=a.limit, offset=a.offset), show_communities)
    _paging(p, "communities")

    p = _add(qs, "recommend", "candidate partners of a village by the five principles",
             lambda n, a: q.recommend(n, a.id, a.limit, _weights(a.weights), a.year, a.scope),
             show_recommend, year=True)
    p.add_argument("id", metavar="ID", help="village code or name")
    p.add_argument("--limit", type=int, default=10, help="candidates to list (default 10)")
    p.add_argument("--weights", help="e.g. adjacent=2,development=1.5 (default: all 1)")
    p.add_argument("--scope", default="township", help="township (default) or district")

    p = _add(qs, "tree", "the organisation tree under an entity",
             lambda n, a: q.tree(n, a.id, a.depth), show_tree)
    p.add_argument("id", metavar="ID", help="code, id or name")
    p.add_argument("--depth", type=int, help="levels to show (default: all)")

    p = _add(qs, "members", "the members of a joint organisation with roles and statuses",
             lambda n, a: q.members(n, a.id, a.year), show_members, year=True)
    p.add_argument("id", metavar="ID", help="id or name of the organisation")

    p = _add(qs, "neighbors", "the ego network of an entity",
             lambda n, a: q.neighbors(n, a.id, a.hops, _csv(a.relations)), show_neighbors)
    p.add_argument("id", metavar="ID", help="code, id or name")
    p.add_argument("--hops", type=int, default=1, help="hops (default 1)")
    p.add_argument("--relations", help="comma-separated relations to follow (default: all)")

    p = _add(qs, "path", "shortest paths between two entities",
             lambda n, a: q.paths(n, a.source, a.target, a.limit, _csv(a.relations)),
             show_paths)
    p.add_argument("source", metavar="FROM", help="code, id or name")
    p.add_argument("target", metavar="TO", help="code, id or name")
    p.add_argument("--limit", type=int, default=5, help="paths to list (default 5)")
    p.add_argument("--relations", help="comma-separated relations to follow (default: all)")

    p = _add(qs, "common", "common neighbours of two or more entities",
             lambda n, a: q.common_neighbors(n, a.ids), show_common)
    p.add_argument("ids", nargs="+", metavar="ID", help="codes, ids or names")

    p = _add(qs, "search", "find entities by code, name, alias, pinyin or initials",
             lambda n, a: q.search(n, a.text, a.township, a.limit), show_search)
    p.add_argument("text", metavar="TEXT", help="what to look for")
    p.add_argument("--township", help="narrow to this township (code or name)")
    p.add_argument("--limit", type=int, default=10, help="matches to list (default 10)")


