"""The HTTP JSON API: `create_app(settings)` over one live network, reloaded by swapping it.

`create_app` and `Settings` are imported on first use: a `graphsvc serve --workers N`
supervisor uses the settings, the shared directory and the network's state, but never builds
an app itself (its workers do), and FastAPI with every route is 0.4 s of its start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphsvc.api.app import create_app
    from graphsvc.api.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from graphsvc.api.app import create_app

        return create_app
    if name == "Settings":
        from graphsvc.api.settings import Settings

        return Settings
    raise AttributeError(f"module 'graphsvc.api' has no attribute {name!r}")
