"""What an exporter reads: anything with a `graph`; a `Network` also gives statuses and names.

The export layer sits below `graphsvc.network` (a `Network` offers `net.export(...)`), so it
names what it needs as protocols instead of importing `Network`: a bare graph wrapped in any
object with a `graph` attribute exports too (without statuses, and filters take ids only).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import networkx as nx

from graphsvc.model.status import Statuses


@runtime_checkable
class GraphSource(Protocol):
    """Anything holding a networkx multigraph to export."""

    graph: nx.MultiDiGraph


@runtime_checkable
class NetworkSource(Protocol):
    """A graph with statuses per year, a data version and name resolution (a `Network`)."""

    graph: nx.MultiDiGraph

    @property
    def data_version(self) -> str: ...

    def default_year(self) -> int: ...

    def statuses(self, year: int | None = None) -> Statuses: ...

    def resolve(self, ref: str, township: str | None = None) -> str: ...
