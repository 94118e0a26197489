"""What the network map draws: a filtered subgraph with positions, statuses and highlights.

>>> import graphsvc
>>> v = view(graphsvc.load(), preset="weak_linked")
>>> sorted(n.name for n in v.nodes if n.status == "weak")
['北下寺村', '泗马沟村', '葫芦棚村', '长流水村']
>>> v.truncated, len(v.highlight_edges) > 0
(False, True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel

from graphsvc.errors import InvalidQuery
from graphsvc.export.subgraph import subgraph
from graphsvc.network import Network
from graphsvc.queries.common import EntityRef, check_year, model_label
from graphsvc.queries.layout import layout, radial
from graphsvc.queries.linked import gaps, weak_linked

MAX_NODES = 2000
"""More than this and the page would draw slowly: the view says so instead of sending them."""

Preset = Literal["weak_linked", "gaps"]
STATUSES = ("weak", "strong", "unknown")


class ViewNode(EntityRef):
    """An entity as the map draws it: its reference, and where and how it is drawn."""

    model: str | None = None
    legend: str
    status: str
    x: float
    y: float
    degree: int


class ViewEdge(BaseModel):
    """A link as the map draws it (the stored direction)."""

    id: str
    source: str
    target: str
    relation: str
    label: str
    role: str | None = None


class ViewRow(BaseModel):
    """One line of a preset's list beside the map (a weak link, or a gap)."""

    entity: str
    name: str
    township_name: str | None = None
    kind: str
    tag: str | None = None
    detail: str
    other: str | None = None
    other_name: str | None = None
    path: list[str] = []


class TownshipCount(BaseModel):
    """How many of the view's entities lie in one township (to narrow a view that is too big)."""

    id: str
    name: str
    count: int


class ViewResult(BaseModel):
    """A view of the map: nodes with positions, edges, counts, highlights; or why not."""

    data_version: str
    year: int
    years: list[int]
    preset: str | None
    total: int
    limit: int
    truncated: bool
    message: str | None = None
    counts: dict[str, int]
    status_counts: dict[str, int]
    townships: list[TownshipCount]
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    highlight_nodes: list[str]
    highlight_edges: list[str]
    rows: list[ViewRow]


def legend_of(net: Network, attrs: dict[str, Any]) -> str:
    """The legend entry of an entity: its kind, with joint organisations apart from the other
    organisations (the schema's `joint.legend`)."""
    return net.schema.legend(attrs)


def _centre(net: Network, ego: str) -> str:
    return ego if ego in net.graph else net.resolve(ego)


def _years(net: Network) -> list[int]:
    """The years worth choosing: from the year before the first fact to three after the last
    (evidence starts with its fact and lapses after the rule's age limit)."""
    if not net.years:
        return [net.default_year()]
    return list(range(net.years[0] - 1, net.years[-1] + 4))


def _listed(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def _preset(net: Network, preset: str, year: int, township: str | None
            ) -> tuple[set[str], set[str], set[str], list[ViewRow]]:
    """The nodes a preset keeps, the nodes and edges it highlights, and its list."""
    g = net.graph
    rows: list[ViewRow] = []
    if preset == "weak_linked":
        result = weak_linked(net, year=year, township=township)
        keep: set[str] = set()
        edges: set[str] = set()
        for link in result.data:
            ids = [n.id for n in link.path.nodes]
            keep.update(ids)
            edges.update(e.key for e in link.path.edges)
            rows.append(ViewRow(entity=link.weak.id, name=link.weak.name,
                                township_name=link.weak.township_name, kind=link.weak.kind,
                                tag="weak_linked", detail=link.path.text, other=link.strong.id,
                                other_name=link.strong.name, path=ids))
        return keep, set(keep), edges, rows
    if preset == "gaps":
        found = gaps(net, year=year, township=township)
        keep = set()
        for gap in found.data:
            keep.add(gap.entity.id)
            rows.append(ViewRow(entity=gap.entity.id, name=gap.entity.name,
                                township_name=gap.entity.township_name, kind=gap.entity.kind,
                                tag=gap.gap, detail=gap.detail))
        # their townships too, so that the gaps show where they are (the gaps are the view:
        # nothing is highlighted)
        towns = {g.nodes[n].get("township") for n in keep} - {None}
        return keep | {str(t) for t in towns if t in g}, set(), set(), rows
    raise InvalidQuery(f"unknown preset '{preset}': use weak_linked or gaps")


def view(net: Network, township: str | None = None, model: str | None = None,
         kind: str | Iterable[str] | None = None, status: str | Iterable[str] | None = None,
         relation: str | Iterable[str] | None = None, ego: str | None = None,
         hops: int | None = None, year: int | None = None, preset: str | None = None,
         limit: int = MAX_NODES) -> ViewResult:
    """The subgraph the export filters keep (and a preset, and statuses), ready to draw.

    Over `limit` nodes nothing is drawn: `truncated` is true, with the counts by kind and the
    50 townships holding most of the entities, so that the page can ask for a narrower view.
    """
    y = check_year(net, year)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    statuses = _listed(status)
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise InvalidQuery(f"unknown status {', '.join(repr(b) for b in bad)}: "
                           f"use one of: {', '.join(STATUSES)}")
    sub = subgraph(net, township=township, model=model, kind=kind, ego=ego, hops=hops,
                   relation=relation)
    g = net.graph
    known = net.statuses(y).names

    def status_of(n: str) -> str:
        return known.get(n, "unknown")

    keep = list(sub.nodes)
    hl_nodes: set[str] = set()
    hl_edges: set[str] = set()
    rows: list[ViewRow] = []
    if preset is not None:
        town = None
        if township is not None:
            town_kind = net.schema.kind("township")
            town = next((n for n in keep if g.nodes[n].get("kind") == town_kind), township)
        only, hl_nodes, hl_edges, rows = _preset(net, preset, y, town)
        keep = [n for n in keep if n in only]
    if statuses:
        keep = [n for n in keep if status_of(n) in statuses]
    kept = set(keep)
    counts = Counter(legend_of(net, g.nodes[n]) for n in keep)
    status_counts = Counter(status_of(n) for n in keep)
    towns = Counter(str(g.nodes[n].get("township")) for n in keep if g.nodes[n].get("township"))
    base: dict[str, Any] = dict(data_version=net.data_version, year=y, years=_years(net),
                preset=preset, total=len(keep), limit=limit,
                counts=dict(sorted(counts.items())),
                status_counts={s: status_counts.get(s, 0) for s in STATUSES},
                townships=[TownshipCount(id=t, name=net.name(t) if t in g else t, count=c)
                           for t, c in sorted(towns.items(), key=lambda t: (-t[1], t[0]))[:50]],
                highlight_nodes=sorted(hl_nodes & kept), rows=rows)
    if len(keep) > limit:
        return ViewResult(**base, truncated=True, nodes=[], edges=[], highlight_edges=[],
                          message=f"{len(keep)} entities match, more than the map draws well "
                          f"({limit}): choose a township, a model or a kind")
    # an ego network on rings around its centre; any other view at the fixed map positions
    centre = _centre(net, ego) if ego is not None else None
    pos = radial(nx.subgraph_view(sub, filter_node=kept.__contains__), centre) \
        if centre is not None and centre in kept else layout(net)
    edges = [ViewEdge(id=str(k), source=u, target=v, relation=str(d["relation"]),
                      label=str(d.get("label", d["relation"])), role=d.get("role"))
             for u, v, k, d in sub.edges(keys=True, data=True) if u in kept and v in kept]
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    nodes = []
    for n in keep:
        a = g.nodes[n]
        town = a.get("township")
        x, yy = pos[n]
        nodes.append(ViewNode(
            id=n, name=str(a["name"]), kind=str(a["kind"]), township=town,
            township_name=net.name(town) if town and town in g else None,
            model=model_label(net, a.get("model")), legend=legend_of(net, a), status=status_of(n),
            x=x, y=yy, degree=degree[n]))
    ids = {e.id for e in edges}
    return ViewResult(**base, truncated=False, nodes=nodes, edges=edges,
                      highlight_edges=sorted(hl_edges & ids))
