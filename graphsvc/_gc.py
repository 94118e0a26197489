"""Pausing the cyclic garbage collector around bursts of small, acyclic allocations."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects.

    A load allocates only acyclic containers, yet each allocation burst triggers full
    collections that walk everything built so far: pausing makes large loads ~3x faster.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
