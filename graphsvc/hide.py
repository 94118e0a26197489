"""Hidden attributes (`GRAPHSVC_HIDE_ATTRIBUTES`): a public deployment may drop notes or figures.

The network that serves is built without them, when it is loaded or reloaded, so that no
response and no export can show them: a hidden name is removed from every entity and relation,
from every fact (a field of that name is blanked; a fact of that key or type is dropped) and
from every source. Statuses are computed from what remains: a status that rested only on a
hidden figure becomes `unknown` (showing it would reveal the figure).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import fields, replace

import networkx as nx

from graphsvc.model.records import Fact
from graphsvc.network import Network

PROTECTED = frozenset({
    "id", "code", "name", "kind", "township", "aliases", "pinyin", "initials", "relation",
    "label", "directed", "source", "entity", "fact", "key", "title"})
"""What identifies and finds an entity, relation, fact or source: never hidden."""

FACT_FIELDS = frozenset(f.name for f in fields(Fact))


def check_names(names: Iterable[str]) -> list[str]:
    """The names, or ValueError naming the ones that cannot be hidden."""
    out = [n.strip() for n in names if n.strip()]
    bad = sorted(set(out) & PROTECTED)
    if bad:
        raise ValueError(f"cannot hide {', '.join(bad)}: these identify or find entities, "
                         "relations, facts or sources")
    return out


def hider(names: Iterable[str]) -> Callable[[Network], Network]:
    """`hide` with these names (the identity when there are none)."""
    hidden = frozenset(check_names(names))
    if not hidden:
        return lambda net: net
    return lambda net: hide(net, hidden)


def hide(net: Network, hidden: frozenset[str]) -> Network:
    """A copy of `net` without the hidden attributes (the original is not touched)."""
    g = nx.MultiDiGraph()
    g.graph.update(net.graph.graph)
    g.add_nodes_from((n, {k: v for k, v in d.items() if k not in hidden})
                     for n, d in net.graph.nodes(data=True))
    g.add_edges_from((u, v, key, {k: x for k, x in d.items() if k not in hidden})
                     for u, v, key, d in net.graph.edges(keys=True, data=True))
    nx.freeze(g)
    blank = {f: None for f in hidden & FACT_FIELDS}
    facts: dict[str, list[Fact]] = {}
    for node, fs in net.facts.items():
        kept = [replace(f, **blank) if blank else f for f in fs  # type: ignore[arg-type]
                if f.key not in hidden and f.fact not in hidden]
        if kept:
            facts[node] = kept
    sources = {sid: s.model_copy(update={k: None for k in hidden if k in type(s).model_fields})
               for sid, s in net.sources.items()}
    report = replace(
        net.report,
        facts=dict(Counter(f.fact for fs in facts.values() for f in fs).most_common()),
        completeness=[c for c in net.report.completeness
                      if not hidden & {str(c.get("name")), str(c.get("key"))}],
        warnings=[w for w in net.report.warnings
                  if not any(h in f"{w.message} {w.hint} {w.field}" for h in hidden)])
    index = replace(net.index, nodes=g._node)
    return Network(g, net.schema, net.rules, sources, facts, index, report, net.seed_dir)
