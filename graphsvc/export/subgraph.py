"""Filters that cut a subgraph out of the network: township, model, kind, ego, relation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from graphsvc.errors import GraphsvcError, InvalidQuery
from graphsvc.export.source import GraphSource, NetworkSource
from graphsvc.model.schema import Schema, default_schema

FILTERS = ("township", "model", "kind", "ego", "hops", "relation")


def _listed(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return [str(v) for v in value]


def _check(option: str, given: Sequence[str], valid: Sequence[str]) -> None:
    bad = [g for g in given if g not in valid]
    if bad:
        raise InvalidQuery(f"unknown {option} {', '.join(repr(b) for b in bad)}: "
                           f"use one of: {', '.join(valid)}")


def _resolve(net: GraphSource, ref: str, option: str) -> str:
    g: nx.MultiDiGraph = net.graph
    if ref in g:
        return ref
    if not isinstance(net, NetworkSource):
        raise InvalidQuery(f"unknown {option} '{ref}': give an entity id")
    try:
        return str(net.resolve(ref))
    except GraphsvcError as exc:
        raise InvalidQuery(f"{option}: {exc}") from exc


def schema_of(net: GraphSource) -> Schema:
    """The schema of a network, or the packaged one for a bare graph."""
    schema = getattr(net, "schema", None)
    return schema if isinstance(schema, Schema) else default_schema()


def township_nodes(net: GraphSource, ref: str) -> set[str]:
    """The township itself and every entity whose township is it."""
    g: nx.MultiDiGraph = net.graph
    town_kind = schema_of(net).kind("township")
    townships = [n for n, k in g.nodes(data="kind") if k == town_kind]
    node = _resolve(net, ref, "township") if ref not in townships else ref
    if node not in townships:
        names = ", ".join(f"{t} {g.nodes[t].get('name', '')}".strip() for t in townships)
        raise InvalidQuery(f"'{ref}' is not a township: use one of: {names}")
    return {node} | {n for n, t in g.nodes(data="township") if t == node}


def model_nodes(net: GraphSource, model: str) -> set[str]:
    """The organisations of a joint-building model and every entity linked to them."""
    g: nx.MultiDiGraph = net.graph
    schema = getattr(net, "schema", None)
    valid = list(schema.enums.get("model", [])) if schema is not None else sorted(
        {str(m) for _, m in g.nodes(data="model") if m is not None})
    _check("model", [model], valid)
    core = {n for n, m in g.nodes(data="model") if m == model}
    linked = {x for n in core for x in (*g.predecessors(n), *g.successors(n))}
    return core | linked


def ego_nodes(net: GraphSource, ref: str, hops: int = 1) -> set[str]:
    """The entity and everything within `hops` links of it, either way round."""
    if not isinstance(hops, int) or isinstance(hops, bool) or hops < 0:
        raise InvalidQuery(f"hops must be a whole number 0 or more, not {hops!r}")
    g: nx.MultiDiGraph = net.graph
    node = _resolve(net, ref, "ego")
    reach = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), node, cutoff=hops)
    return set(reach)


def subgraph(net: GraphSource, township: str | None = None, model: str | None = None,
             kind: str | Iterable[str] | None = None, ego: str | None = None,
             hops: int | None = None, relation: str | Iterable[str] | None = None
             ) -> nx.MultiDiGraph:
    """The part of the graph every given filter keeps (a read-only view; the whole graph if none).

    Node filters intersect; `relation` then keeps only edges of those relation kinds.
    """
    g: nx.MultiDiGraph = net.graph
    keep: set[str] | None = None

    def narrow(nodes: set[str]) -> None:
        nonlocal keep
        keep = nodes if keep is None else keep & nodes

    if township is not None:
        narrow(township_nodes(net, township))
    if model is not None:
        narrow(model_nodes(net, model))
    kinds = _listed(kind)
    if kinds:
        schema = getattr(net, "schema", None)
        valid = list(schema.kinds) if schema is not None else sorted(
            {str(k) for _, k in g.nodes(data="kind") if k is not None})
        _check("kind", kinds, valid)
        narrow({n for n, k in g.nodes(data="kind") if k in kinds})
    if ego is not None:
        narrow(ego_nodes(net, ego, 1 if hops is None else hops))
    elif hops is not None:
        raise InvalidQuery("hops needs ego: give the entity whose neighbourhood you want")
    relations = _listed(relation)
    if relations:
        schema = getattr(net, "schema", None)
        valid = list(schema.relations) if schema is not None else sorted(
            {str(r) for *_, r in g.edges(data="relation") if r is not None})
        _check("relation", relations, valid)
    if keep is None and not relations:
        return g
    # a new graph in the original order, so that exports are deterministic
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, d) for n, d in g.nodes(data=True) if keep is None or n in keep)
    sub.add_edges_from(
        (u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
        if (keep is None or (u in keep and v in keep))
        and (not relations or d.get("relation") in relations))
    return nx.freeze(sub)
