"""The HTTP JSON API: `create_app(settings)` over one live network, reloaded by swapping it."""

from __future__ import annotations

from graphsvc.api.app import create_app
from graphsvc.api.settings import Settings

__all__ = ["Settings", "create_app"]
