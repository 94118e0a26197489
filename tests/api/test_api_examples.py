"""The OpenAPI schema has a real example per endpoint, and the examples match the code."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from openapi_examples import REQUESTS, comparable, generate

import graphsvc
from graphsvc.api.app import create_app
from graphsvc.api.examples import EXAMPLES_FILE
from graphsvc.api.settings import Settings


def test_every_json_endpoint_has_an_example(tiny: graphsvc.Network) -> None:
    with TestClient(create_app(Settings(), tiny)) as client:
        schema = client.get("/openapi.json").json()
    missing = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = op["responses"].get("200", {}).get("content", {})
            if "application/json" in content and "example" not in content["application/json"]:
                missing.append(f"{method} {path}")
    assert missing == []
    documented = {f"{m} {p}" for m, p, _ in REQUESTS}
    assert "get /v1/queries/weak-linked" in documented


def test_committed_examples_are_what_the_code_answers_today() -> None:
    """Regenerate the examples from the bundled seed: they must equal the committed file
    (run `python tests/openapi_examples.py` after changing a response or the seed)."""
    committed = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    assert comparable(generate()) == comparable(committed)
