"""One cache per network (graphsvc.cache): indexes built once, answers bounded, a fresh cache
for every reload, and what it holds listed for the admin."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

import graphsvc
from graphsvc.api import Settings, create_app
from graphsvc.cache import MISSING, NetworkCache


def test_an_index_is_built_once_even_by_concurrent_first_callers() -> None:
    cache = NetworkCache()
    calls = []

    def build() -> list[int]:
        calls.append(1)
        time.sleep(0.05)
        return [1, 2, 3]

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.index("idx", build)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 8 and all(g is got[0] for g in got)
    assert cache.has_index("idx") and not cache.has_index("other")
    assert [i["name"] for i in cache.listing()["indexes"]] == ["idx"]


def test_answers_stay_within_the_entry_limit_least_recently_used_out() -> None:
    cache = NetworkCache(max_entries=3)
    for i in range(3):
        cache.answer(("q", i), lambda i=i: f"answer {i}")
    assert cache.peek(("q", 0)) == "answer 0"  # now the most recently used
    cache.answer(("q", 3), lambda: "answer 3")
    assert cache.peek(("q", 1)) is MISSING  # the least recently used went
    assert cache.peek(("q", 0)) == "answer 0"
    held = cache.listing()
    assert held["entries"] == 3 and held["evicted"] == 1
    assert held["answers"] == [{"question": "q", "entries": 3, "bytes": held["bytes"],
                                "hits": 2}]


def test_answers_stay_within_the_byte_limit() -> None:
    cache = NetworkCache(max_bytes=1000)
    cache.answer("a", lambda: b"x" * 600)
    cache.answer("b", lambda: b"y" * 300)
    assert cache.listing()["bytes"] == 900
    cache.answer("c", lambda: b"z" * 300)  # 1200 > 1000: "a" goes
    assert cache.peek("a") is MISSING and cache.listing()["bytes"] == 600
    big = cache.answer("d", lambda: b"w" * 5000)  # bigger than the limit: answered, not kept
    assert big == b"w" * 5000 and cache.peek("d") is MISSING
    assert cache.listing()["bytes"] == 600


def test_errors_are_not_cached() -> None:
    cache = NetworkCache()
    attempts = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first time")
        return "ok"

    with pytest.raises(ValueError):
        cache.answer("k", flaky)
    assert cache.answer("k", flaky) == "ok" and len(attempts) == 2


def test_every_network_has_its_own_cache(tiny: graphsvc.Network) -> None:
    """A reload builds a new network, so it starts with an empty cache."""
    tiny.statuses()
    again = graphsvc.load(tiny.seed_dir)
    assert again.cache is not tiny.cache
    assert again.cache.listing()["indexes"] == []
    assert tiny.cache.has_index(f"statuses {tiny.default_year()}")


def test_the_admin_sees_what_the_cache_holds(tiny_copy: Callable[..., Path]) -> None:
    seed = tiny_copy()
    app = create_app(Settings(seed=seed, admin_token=SecretStr("adm1n")), graphsvc.load(seed))
    with TestClient(app) as c:
        assert c.get("/v1/admin/cache").status_code == 401
        assert c.get("/v1/admin/cache",
                     headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = {"Authorization": "Bearer adm1n"}
        assert c.get("/v1/entities/990101001").status_code == 200
        held = c.get("/v1/admin/cache", headers=ok).json()
        assert held["data_version"] == c.get("/v1/meta").json()["data_version"]
        names = {i["name"] for i in held["indexes"]}
        assert {"search index", "organisation indexes", "map layout"} <= names
        assert any(a["question"].endswith("entity_json") for a in held["answers"])
        assert held["entries"] == sum(a["entries"] for a in held["answers"])
        # a reload brings a network with a fresh cache
        before = held["entries"]
        r = c.post("/v1/admin/reload?force=true", headers=ok)
        assert r.status_code == 200, r.text
        after = c.get("/v1/admin/cache", headers=ok).json()
        assert after["hits"] == 0 and after["entries"] <= before
