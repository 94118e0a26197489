"""Real example responses in the OpenAPI schema, one per endpoint, from the bundled seed.

The examples are data (`openapi_examples.json`); `python tests/openapi_examples.py` (outside
the package) regenerates them by calling every endpoint of an app serving the bundled Fangshan
seed, and a test checks the committed file is what that gives today.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")

def install(app: FastAPI) -> None:
    """Put the committed examples into the app's OpenAPI schema (200 responses)."""
    examples = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for key, ex in examples.items():
            method, path = key.split(" ", 1)
            op = schema.get("paths", {}).get(path, {}).get(method)
            if op is None:
                continue
            content = op.get("responses", {}).get("200", {}).get("content", {})
            if "application/json" in content:
                content["application/json"]["example"] = ex["response"]
            op["description"] = (op.get("description", "") +
                                 f"\n\nExample request: `{method.upper()} {ex['request']}`")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
