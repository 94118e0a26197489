"""graphsvc: the organisational networks of rural governance as a graph.

>>> import graphsvc
>>> net = graphsvc.load()
>>> net.graph.number_of_nodes() > 698
True
"""

from __future__ import annotations

from pathlib import Path

from .errors import AmbiguousName, GraphsvcError, InvalidQuery, InvalidSeed, Problem, UnknownEntity
from .network import LoadReport, Network, load
from .status import Status

__version__ = "0.1.0"
__all__ = [
    "AmbiguousName",
    "GraphsvcError",
    "InvalidQuery",
    "InvalidSeed",
    "LoadReport",
    "Network",
    "Problem",
    "Status",
    "UnknownEntity",
    "bundled_seed",
    "load",
]


def bundled_seed() -> Path:
    """The directory of the bundled Fangshan seed (inside the wheel, or `seed/` in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_seed", here.parent / "seed"):
        if (candidate / "divisions.csv").exists():
            return candidate
    raise FileNotFoundError("the bundled seed is missing: reinstall graphsvc")
