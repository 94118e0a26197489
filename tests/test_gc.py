"""The collector pause around loads (graphsvc._gc)."""

from __future__ import annotations

import gc

from graphsvc._gc import gc_paused


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_what_a_pause_made_is_moved_to_the_oldest_generation() -> None:
    """Nothing made while paused is left young for the first collection to walk; something
    frozen by a server is left frozen."""
    assert not gc.get_freeze_count()
    with gc_paused():
        made = [[i] for i in range(1000)]  # (lists: always tracked)
    assert gc.isenabled()
    assert _in_generation(made, 2) and _in_generation(made[500], 2)
    assert not _in_generation(made[500], 0)
    kept = ["frozen"]
    gc.freeze()
    try:
        with gc_paused():
            later = [[i] for i in range(10)]
        assert gc.get_freeze_count() and not _in_generation(kept, 2)  # still frozen
        assert not _in_generation(later, 2)
    finally:
        gc.unfreeze()
