"""The collector pause around loads (graphsvc._gc), in a fresh interpreter: other tests load
networks for serving, which freeze what they made."""

from __future__ import annotations

import subprocess
import sys

CHECK = '''
import gc
from graphsvc._gc import gc_paused

def within(obj, generation):
    return any(o is obj for o in gc.get_objects(generation=generation))

assert not gc.get_freeze_count()
with gc_paused():
    made = [[i] for i in range(1000)]  # (lists: always tracked)
assert gc.isenabled()
assert within(made, 2) and within(made[500], 2) and not within(made[500], 0)
kept = ["frozen"]
gc.freeze()
with gc_paused():
    later = [[i] for i in range(10)]
assert gc.get_freeze_count() and not within(kept, 2)  # a server's frozen objects stay frozen
assert not within(later, 2)
print("ok")
'''


def test_what_a_pause_made_is_moved_to_the_oldest_generation() -> None:
    """Nothing made while paused is left young for the first collection to walk; something
    frozen by a server is left frozen."""
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
