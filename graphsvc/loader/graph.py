"""Construction of the graph: the one place that writes into networkx's dictionaries.

The checks (`graphsvc.loader.build`) decide what goes in; `GraphWriter` puts it there.
Nodes and edges are written into networkx's dicts directly. Edges, so that equal edge
attributes share one dict, which the public `add_edge` cannot do (it copies every attribute
dict); the register has one `part_of` edge per unit. Measured by
`benchmarks/graph_write_bench.py` (BENCHMARKS.md, "Building the graph") on 665,000 units:
the public API takes 25 % longer to build the graph (+3.5 s) and peaks 53 MiB higher.
Nodes, because `add_node(id, **attrs)` packs the attributes as keywords and copies them into a
new dict: for 720,385 nodes that took 2.0 s against 0.85 s for the direct writes (in one
process, best of two), about 5 % of a national cold load.

What a write puts in is exactly what `add_node` or `add_edge` would for a new node or edge
(empty adjacency dicts from the graph's own factory; a key dict shared by `_succ[u][v]` and
`_pred[v][u]`), and the graph is frozen after the build, so sharing attribute dicts is safe:
nothing ever edits the graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx

UNIQUE_ATTRS = frozenset({"name", "register_name", "note", "code"})
"""Attributes whose values are (nearly) unique: not worth interning."""


class GraphWriter:
    """Builds one `MultiDiGraph`: nodes with interned attribute values, edges keyed `e1`,
    `e2`, ... in the order they are added, counts by kind and relation."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.nodes: dict[str, dict[str, Any]] = self.graph._node  # read-only view for lookups
        self.edge_no = 0
        self.kind_counts: Counter[str] = Counter()
        self.relation_counts: Counter[str] = Counter()
        self._strings: dict[str, str] = {}
        self._shared: dict[Hashable, dict[str, Any]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def intern(self, value: str | None) -> str | None:
        """One shared string object per distinct value (kinds, codes of parents, sources)."""
        if value is None:
            return None
        return self._strings.setdefault(value, value)

    @property
    def strings(self) -> dict[str, str]:
        """The interned strings (`strings.setdefault(s, s)` interns `s`, as `intern` does,
        without a method call per value: the register's rows intern four values each)."""
        return self._strings

    def _clean(self, attrs: dict[str, Any], interned: bool) -> dict[str, Any]:
        if interned:
            return attrs
        # names, register names and notes are unique; every other value repeats
        intern = self._strings.setdefault
        return {k: (v if k in UNIQUE_ATTRS or not isinstance(v, str) else intern(v, v))
                for k, v in attrs.items() if v is not None}

    def add_node(self, node_id: str, attrs: dict[str, Any], interned: bool = False
                 ) -> dict[str, Any]:
        """Add a new node with these attributes (None values dropped); `interned`: the caller
        interned the repeated values and left out None values already (the register's rows),
        and the dict is the node's own. Returns the node's attribute dict."""
        clean = self._clean(attrs, interned)
        self.kind_counts[clean["kind"]] += 1
        g = self.graph
        if node_id in g._succ:  # (the checks refuse duplicate ids before they come here)
            raise ValueError(f"node {node_id!r} added twice")
        # what DiGraph.add_node does for a new node, without copying the attributes again
        g._succ[node_id] = g.adjlist_inner_dict_factory()
        g._pred[node_id] = g.adjlist_inner_dict_factory()
        g._node[node_id] = clean
        return clean

    def add_edge(self, u: str, v: str, data: dict[str, Any], share: Hashable | None = None
                 ) -> str:
        """Add an edge u → v with the next key (`e1`, `e2`, ...) and these attributes (None
        values dropped; `data["relation"]` names its relation). Edges given the same `share`
        key get one attribute dict between them (equal attributes, e.g. every `part_of` edge
        of one source). Returns the key."""
        self.edge_no += 1
        self.relation_counts[data["relation"]] += 1
        if share is not None:
            found = self._shared.get(share)
            if found is None:
                found = self._shared[share] = self._clean(data, interned=False)
            clean = found
        else:
            clean = self._clean(data, interned=False)
        key = f"e{self.edge_no}"
        # what MultiDiGraph.add_edge does for a new key, without copying the attributes again
        g = self.graph
        succ = g._succ[u]
        keydict = succ.get(v)
        if keydict is None:
            keydict = succ[v] = g._pred[v][u] = g.edge_key_dict_factory()
        keydict[key] = clean
        return key

    def frozen(self) -> nx.MultiDiGraph:
        """The graph, frozen: nothing may edit it from now on."""
        nx._clear_cache(self.graph)  # (as every public networkx write does)
        return nx.freeze(self.graph)
