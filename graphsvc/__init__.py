"""graphsvc: the organisational networks of rural governance as a graph.

>>> import graphsvc
>>> net = graphsvc.load()
>>> net.graph.number_of_nodes() > 698
True
"""

from __future__ import annotations

from graphsvc._version import __version__
from graphsvc.errors import (
    AmbiguousName,
    GraphsvcError,
    InvalidQuery,
    InvalidSeed,
    Problem,
    UnknownCommunity,
    UnknownEntity,
)
from graphsvc.loader.bundled import bundled_seed
from graphsvc.model.status import Status
from graphsvc.network import LoadReport, Network, load

__all__ = [
    "__version__",
    "AmbiguousName",
    "GraphsvcError",
    "InvalidQuery",
    "InvalidSeed",
    "LoadReport",
    "Network",
    "Problem",
    "Status",
    "UnknownCommunity",
    "UnknownEntity",
    "bundled_seed",
    "load",
]

