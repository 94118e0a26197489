"""Where the bundled Fangshan seed is: in the wheel (`graphsvc/_seed`) or `seed/` in a checkout."""

from __future__ import annotations

from pathlib import Path


def bundled_seed() -> Path:
    """The directory of the bundled Fangshan seed (inside the wheel, or `seed/` in a checkout)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_seed", package.parent / "seed"):
        if (candidate / "divisions.csv").exists():
            return candidate
    raise FileNotFoundError("the bundled seed is missing: reinstall graphsvc")
