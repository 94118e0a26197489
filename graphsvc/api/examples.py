"""Real example responses for the OpenAPI schema, one per endpoint, from the bundled seed.

`python -m graphsvc.api.examples` regenerates `openapi_examples.json` by calling every endpoint
of an app serving the bundled Fangshan seed; a test checks the committed file is what that
gives today, so the examples in /docs always match the code and the data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
ADMIN_TOKEN = "example-admin-token"  # used only to make the reload example

# (method, path template in the schema, request made on the bundled seed)
REQUESTS: list[tuple[str, str, str]] = [
    ("get", "/healthz", "/healthz"),
    ("get", "/readyz", "/readyz"),
    ("get", "/v1/meta", "/v1/meta"),
    ("get", "/v1/entities", "/v1/entities?kind=party_org&limit=2"),
    ("get", "/v1/entities/{ref}", "/v1/entities/110111009212"),
    ("get", "/v1/entities/{ref}/neighbors", "/v1/entities/org.yingshuigou/neighbors"),
    ("get", "/v1/paths", "/v1/paths?from=查儿村&to=中英水村&limit=1"),
    ("get", "/v1/common-neighbors", "/v1/common-neighbors?ref=查儿村&ref=中英水村"),
    ("get", "/v1/search", "/v1/search?q=hsd"),
    ("get", "/v1/queries/weak-linked", "/v1/queries/weak-linked?limit=1"),
    ("get", "/v1/queries/gaps", "/v1/queries/gaps?township=佛子庄乡"),
    ("get", "/v1/queries/group-metrics", "/v1/queries/group-metrics?limit=2"),
    ("get", "/v1/coverage", "/v1/coverage"),
    ("get", "/v1/outcomes", "/v1/outcomes?model=village_enterprise"),
    ("get", "/v1/metrics", "/v1/metrics?top=2"),
    ("get", "/v1/communities", "/v1/communities?limit=2"),
    ("get", "/v1/entities/{ref}/recommendations", "/v1/entities/泗马沟村/recommendations?limit=2"),
    ("get", "/v1/entities/{ref}/tree", "/v1/entities/110111210/tree?depth=1"),
    ("get", "/v1/organisations/{ref}/members", "/v1/organisations/org.yingshuigou/members"),
    ("get", "/v1/export/graph.{fmt}", "/v1/export/graph.json?ego=org.yingshuigou&hops=1"),
    ("get", "/v1/view", "/v1/view?preset=weak_linked"),
    ("post", "/v1/admin/reload", "/v1/admin/reload"),
]
MAX_ITEMS = 3  # lists in examples are cut to their first items (`count` keeps the real total)
VOLATILE = {"loaded_at", "at", "seconds", "load_seconds", "uptime_seconds"}
"""Keys whose values differ from run to run (times): ignored when examples are compared."""


def _trim(value: Any) -> Any:
    if isinstance(value, list):
        return [_trim(v) for v in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {k: _trim(v) for k, v in value.items()}
    return value


def comparable(value: Any) -> Any:
    """An example without its run-to-run values, for comparing two generations."""
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in VOLATILE}
    return value


def generate() -> dict[str, dict[str, Any]]:
    """Call every endpoint of an app serving the bundled seed: {"METHOD path": example}."""
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from .. import bundled_seed, load
    from .app import create_app
    from .settings import Settings

    seed = bundled_seed()
    app = create_app(Settings(admin_token=SecretStr(ADMIN_TOKEN)), load(seed, snapshot=False))
    where = json.dumps(str(seed))[1:-1]  # the seed's path as it appears inside JSON text
    out: dict[str, dict[str, Any]] = {}
    with TestClient(app) as client:
        for method, path, url in REQUESTS:
            headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if "admin" in path else {}
            r = client.request(method.upper(), url, headers=headers)
            r.raise_for_status()
            body = json.loads(r.text.replace(where, "seed"))  # no machine's paths in the docs
            out[f"{method} {path}"] = {"request": url, "response": _trim(body)}
    return out


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


if __name__ == "__main__":
    EXAMPLES_FILE.write_text(json.dumps(generate(), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    print(f"wrote {EXAMPLES_FILE}")
