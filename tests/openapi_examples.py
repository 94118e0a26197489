"""Regenerate graphsvc/api/openapi_examples.json: real answers of every endpoint.

    python tests/openapi_examples.py

Calls every endpoint of an app serving the bundled Fangshan seed; tests/api/test_examples.py
checks the committed file is what this gives today, so the examples in /docs match the code.
"""

from __future__ import annotations

import json
from typing import Any

from graphsvc.api.examples import EXAMPLES_FILE

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
    ("get", "/v1/communities", "/v1/communities?limit=2&members_limit=3"),
    ("get", "/v1/communities/{id}", "/v1/communities/1?limit=3"),
    ("get", "/v1/entities/{ref}/recommendations", "/v1/entities/泗马沟村/recommendations?limit=2"),
    ("get", "/v1/entities/{ref}/tree", "/v1/entities/110111210/tree?depth=1"),
    ("get", "/v1/organisations/{ref}/members", "/v1/organisations/org.yingshuigou/members"),
    ("get", "/v1/export/graph.{fmt}", "/v1/export/graph.json?ego=org.yingshuigou&hops=1"),
    ("get", "/v1/view", "/v1/view?preset=weak_linked"),
    ("post", "/v1/admin/reload", "/v1/admin/reload"),
    ("get", "/v1/admin/cache", "/v1/admin/cache"),
]
MAX_ITEMS = 3  # lists in examples are cut to their first items (`count` keeps the real total)
VOLATILE = {"loaded_at", "at", "seconds", "load_seconds", "uptime_seconds", "build_seconds"}
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

    from graphsvc import load
    from graphsvc.api.app import create_app
    from graphsvc.api.settings import Settings
    from graphsvc.loader.bundled import bundled_seed

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


if __name__ == "__main__":
    EXAMPLES_FILE.write_text(json.dumps(generate(), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    print(f"wrote {EXAMPLES_FILE}")
