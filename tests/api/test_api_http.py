"""The HTTP API through a real HTTP client (httpx via TestClient) against the app."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc import queries
from graphsvc.api import Settings, create_app

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(tiny: graphsvc.Network) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), tiny)) as c:
        yield c


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in r.text
    return body


# -- health and meta --------------------------------------------------------------------------
def test_health_and_ready(client: TestClient, tiny: graphsvc.Network) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "data_version": tiny.data_version}


def test_meta_lists_version_sources_and_report(client: TestClient, tiny: graphsvc.Network) -> None:
    body = client.get("/v1/meta").json()
    assert body["data_version"] == tiny.data_version
    assert [s["id"] for s in body["sources"]] == ["T1", "T2"]
    assert body["sources"][0]["licence"] == "CC0"
    assert body["report"]["nodes"] == tiny.graph.number_of_nodes()
    assert body["report"]["completeness"][0]["entity"] == "org.west-joint"


# -- entities ---------------------------------------------------------------------------------
def test_list_filters(client: TestClient) -> None:
    r = client.get("/v1/entities", params={"kind": "village", "township": "西镇"})
    names = [e["name"] for e in r.json()["data"]]
    assert names == ["甲村", "乙村", "丙村", "丁村"]
    assert r.json()["count"] == 4 and r.json()["next"] is None
    weak = client.get("/v1/entities", params={"status": "weak", "year": 2022}).json()
    assert [e["name"] for e in weak["data"]] == ["乙村", "丙村", "戊村"]
    assert [e["id"] for e in client.get("/v1/entities", params={"q": "jia"}).json()["data"]][0] \
        == "990101101201"
    models = client.get("/v1/entities", params={"model": "village_village"}).json()["data"]
    assert [e["id"] for e in models] == ["org.west-joint"]


def test_list_pagination_follows_cursor_and_link(client: TestClient,
                                                 tiny: graphsvc.Network) -> None:
    seen: list[str] = []
    url: str | None = "/v1/entities?limit=4"
    for _ in range(20):  # bounded: 19 entities, 4 a page
        if url is None:
            break
        r = client.get(url)
        body = r.json()
        assert body["count"] == len(body["data"]) <= 4
        seen += [e["id"] for e in body["data"]]
        if body["next"]:
            link = r.headers["link"]
            assert link.endswith('>; rel="next"') and f"cursor={body['next']}" in link
            url = link[1:link.index(">")]
        else:
            assert "link" not in r.headers
            url = None
    assert seen == sorted(tiny.graph.nodes)


def test_page_size_default_and_cap(client: TestClient) -> None:
    assert client.get("/v1/entities").json()["count"] == 19  # default 50 covers them all
    body = assert_problem(client.get("/v1/entities", params={"limit": 501}), 422)
    assert body["errors"][0]["field"] == "query.limit"
    assert client.get("/v1/entities", params={"limit": 500}).status_code == 200
    capped = TestClient(create_app(Settings(page_size=2, max_page_size=3), graphsvc.load(
        client.app.state.graphsvc.network.seed_dir)))  # type: ignore[attr-defined]
    assert capped.get("/v1/entities").json()["count"] == 2
    assert capped.get("/v1/entities", params={"limit": 4}).status_code == 422


def test_bad_cursor_and_bad_filter(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/entities", params={"cursor": "garbage!"}), 422)
    assert body["errors"][0]["field"] == "query.cursor"
    body = assert_problem(client.get("/v1/entities", params={"kind": "castle"}), 422)
    assert "village" in body["detail"] and body["errors"][0]["field"] == "query.kind"


def test_entity_detail(client: TestClient) -> None:
    body = client.get("/v1/entities/990101101201").json()
    assert body["name"] == "甲村" and body["township_name"] == "西镇"
    assert body["status"]["status"] == "strong"
    assert body["status"]["evidence"][0]["rule"] == "high_collective_income"
    assert body["facts"][0]["source"]["licence"] == "CC0"
    groups = {(g["relation"], g["direction"]): g for g in body["relations"]}
    assert groups[("member_of", "out")]["entities"][0] == {
        "id": "org.west-joint", "name": "西镇联合党委", "kind": "party_org", "role": "lead"}
    alias = client.get("/v1/entities/已村").json()
    assert alias["id"] == "990101101202" and alias["aliases"] == ["已村"]
    scoped = client.get("/v1/entities/甲村", params={"township": "南乡"}).json()
    assert scoped["id"] == "990101201201"


def test_unknown_entity_is_404_with_suggestions(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/entities/乙寸"), 404)
    assert {"id": "990101101202", "name": "乙村"} in body["suggestions"]
    assert "did you mean" in body["detail"]


def test_ambiguous_name_is_409_with_candidates(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/entities/甲村"), 409)
    assert [c["id"] for c in body["candidates"]] == ["990101101201", "990101201201"]
    assert {c["township"] for c in body["candidates"]} == {"西镇", "南乡"}


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/v1/entities?colour=red", "/v1/meta?x=1", "/healthz?verbose=1",
                                 "/v1/search?q=jc&township=西镇&fuzzy=1"])
def test_unknown_query_parameters_are_refused(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(url), 422)
    assert body["errors"][0]["field"].startswith("query.")
    assert body["errors"][0]["type"] == "unknown_parameter"


def test_validation_errors_name_the_field(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/entities", params={"year": "soon"}), 422)
    assert body["errors"][0]["field"] == "query.year"
    body = assert_problem(client.get("/v1/paths", params={"from": "甲村"}), 422)
    assert body["errors"][0]["field"] == "query.to"


def test_no_route_and_wrong_method(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(client.delete("/v1/meta"), 405)


def test_unexpected_error_is_a_500_envelope_without_traceback(
        tiny: graphsvc.Network, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    route = importlib.import_module("graphsvc.api.routes.entities")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(route, "entity_json", boom)
    with TestClient(create_app(Settings(), tiny), raise_server_exceptions=False) as c:
        r = c.get("/v1/entities/990101101201")
    body = assert_problem(r, 500)
    assert "secret" not in r.text and "RuntimeError" not in r.text
    assert body["type"].endswith("internal-error")
    assert "secret internal detail" in caplog.text  # logged, not shown


# -- ETag -------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/v1/meta", "/v1/entities", "/v1/entities/990101101201",
                                 "/v1/coverage", "/v1/search?q=jc"])
def test_etag_and_not_modified(client: TestClient, tiny: graphsvc.Network, url: str) -> None:
    r = client.get(url)
    assert r.headers["etag"] == f'"{tiny.data_version}"'
    again = client.get(url, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == r.headers["etag"]
    assert client.get(url, headers={"If-None-Match": '"old", W/' + r.headers["etag"]}
                      ).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"old"'}).status_code == 200


def test_health_has_no_etag(client: TestClient) -> None:
    assert "etag" not in client.get("/healthz").headers


# -- auth and CORS ----------------------------------------------------------------------------
def test_token_auth(tiny: graphsvc.Network) -> None:
    app = create_app(Settings(token="s3cret", admin_token="adm1n"), tiny)
    with TestClient(app) as c:
        body = assert_problem(c.get("/v1/meta"), 401)
        assert "Bearer" in body["detail"]
        assert c.get("/v1/meta").headers["www-authenticate"].startswith("Bearer")
        assert_problem(c.get("/v1/meta", headers={"Authorization": "Bearer wrong"}), 401)
        assert_problem(c.get("/v1/meta", headers={"Authorization": "Basic s3cret"}), 401)
        assert c.get("/v1/meta", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/v1/meta", headers={"Authorization": "Bearer adm1n"}).status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
        assert c.get("/docs").status_code == 200 and c.get("/openapi.json").status_code == 200
        # the admin token is separate: the user token does not reload
        assert_problem(c.post("/v1/admin/reload", headers={"Authorization": "Bearer s3cret"}),
                       401)
        r = c.post("/v1/admin/reload", headers={"Authorization": "Bearer adm1n"})
        assert r.status_code == 200 and r.json()["ok"] is True


def test_admin_is_off_without_admin_token(client: TestClient) -> None:
    body = assert_problem(client.post("/v1/admin/reload"), 403)
    assert "GRAPHSVC_ADMIN_TOKEN" in body["detail"]


def test_cors_origins(tiny: graphsvc.Network) -> None:
    with TestClient(create_app(Settings(cors_origins=["https://example.org"]), tiny)) as c:
        r = c.get("/v1/meta", headers={"Origin": "https://example.org"})
        assert r.headers["access-control-allow-origin"] == "https://example.org"
        assert "etag" in r.headers["access-control-expose-headers"].lower()
        r = c.get("/v1/meta", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(Settings(), tiny)) as c:
        r = c.get("/v1/meta", headers={"Origin": "https://example.org"})
        assert "access-control-allow-origin" not in r.headers


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHSVC_TOKEN", "t")
    monkeypatch.setenv("GRAPHSVC_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("GRAPHSVC_MAX_PAGE_SIZE", "100")
    s = Settings()
    assert s.token is not None and s.token.get_secret_value() == "t"
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.max_page_size == 100 and s.port == 8000 and s.host == "127.0.0.1"


# -- graph and queries: same answers as the library -------------------------------------------
def _same(r: Any, expected: Any) -> None:
    assert r.status_code == 200, r.text
    assert r.json() == expected.model_dump(mode="json")


def test_graph_endpoints_match_the_library(client: TestClient, tiny: graphsvc.Network) -> None:
    _same(client.get("/v1/entities/990101101201/neighbors?hops=2&relation=member_of"),
          queries.neighbors(tiny, "990101101201", hops=2, relations=["member_of"]))
    _same(client.get("/v1/paths", params={"from": "990101101201", "to": "990101101202"}),
          queries.paths(tiny, "990101101201", "990101101202"))
    _same(client.get("/v1/search", params={"q": "jc", "township": "西镇"}),
          queries.search(tiny, "jc", township="西镇"))
    _same(client.get("/v1/common-neighbors?ref=990101101201&ref=990101101202"),
          queries.common_neighbors(tiny, ["990101101201", "990101101202"]))
    path = client.get("/v1/paths", params={"from": "990101101201", "to": "990101101202"}).json()
    assert "西镇联合党委" in path["data"][0]["text"]


def test_hops_are_capped(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/entities/990101101201/neighbors?hops=4"), 422)
    assert body["errors"][0]["field"] == "query.hops"


def test_query_endpoints_match_the_library(client: TestClient, tiny: graphsvc.Network) -> None:
    _same(client.get("/v1/queries/weak-linked"), queries.weak_linked(tiny, limit=100))
    _same(client.get("/v1/queries/weak-linked?model=village_village&max_hops=2&year=2022"),
          queries.weak_linked(tiny, 2022, ["village_village"], 2, limit=100))
    _same(client.get("/v1/queries/weak-linked?limit=1&offset=1"),
          queries.weak_linked(tiny, limit=1, offset=1))
    _same(client.get("/v1/queries/gaps?township=西镇"),
          queries.gaps(tiny, township="西镇", limit=100))
    _same(client.get("/v1/queries/group-metrics"), queries.group_metrics(tiny, limit=100))
    _same(client.get("/v1/coverage?year=2021"), queries.coverage(tiny, 2021, limit=100))
    _same(client.get("/v1/outcomes"), queries.outcomes(tiny, limit=100))
    _same(client.get("/v1/metrics?top=3"), queries.metrics(tiny, 3))
    _same(client.get("/v1/communities"), queries.communities(tiny, limit=100))
    # every list answer pages the same way: limit, offset, total; summaries on every page
    for path, fn in (("/v1/queries/gaps", queries.gaps),
                     ("/v1/queries/group-metrics", queries.group_metrics),
                     ("/v1/coverage", queries.coverage), ("/v1/outcomes", queries.outcomes),
                     ("/v1/communities", queries.communities)):
        _same(client.get(f"{path}?limit=1&offset=1"), fn(tiny, limit=1, offset=1))
        body = client.get(f"{path}?limit=1&offset=1").json()
        assert body["limit"] == 1 and body["offset"] == 1 and body["count"] <= 1, path
        assert body["total"] == fn(tiny).total, path
        for bad in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
            problem = assert_problem(client.get(f"{path}?{bad}"), 422)
            assert problem["errors"][0]["field"] == f"query.{bad.split('=')[0]}", (path, bad)
    _same(client.get("/v1/entities/990101101202/recommendations?weights=adjacent:2&limit=3"),
          queries.recommend(tiny, "990101101202", limit=3, weights={"adjacent": 2.0}))
    _same(client.get("/v1/entities/990101/tree?depth=1"), queries.tree(tiny, "990101", 1))
    _same(client.get("/v1/organisations/org.west-joint/members"),
          queries.members(tiny, "org.west-joint"))


def test_communities_show_a_prefix_and_one_community_pages_whole(
        client: TestClient, tiny: graphsvc.Network) -> None:
    """The list carries `member_count` and the first `members_limit` members; `/{id}` pages
    through every member of one community exactly once, as the library does."""
    _same(client.get("/v1/communities?members_limit=1"),
          queries.communities(tiny, limit=100, members_limit=1))
    listed = client.get("/v1/communities?members_limit=2").json()
    assert listed["members_limit"] == 2
    for c in listed["data"]:
        url = f"/v1/communities/{c['id']}"
        _same(client.get(url), queries.community(tiny, c["id"], limit=100))
        seen = [m for offset in range(c["member_count"])
                for m in client.get(f"{url}?limit=1&offset={offset}").json()["data"]]
        assert len(seen) == c["member_count"] == c["size"]
        assert len({m["id"] for m in seen}) == len(seen)  # each member once
        assert seen[:2] == c["members"] and seen[0] == c["hub"]
        page = client.get(f"{url}?limit=1&offset=1").json()
        assert (page["total"], page["count"], page["offset"], page["limit"]) == (
            c["member_count"], 1, 1, 1)
    body = assert_problem(client.get("/v1/communities/99"), 404)
    assert body["detail"] == "unknown community 99: they are numbered 1 to 5, largest first"
    assert body["total"] == 5
    assert_problem(client.get("/v1/communities/0"), 404)
    for bad, field in (("/v1/communities?members_limit=1001", "query.members_limit"),
                       ("/v1/communities?members_limit=-1", "query.members_limit"),
                       ("/v1/communities?members_limit=x", "query.members_limit"),
                       ("/v1/communities/one", "path.id"),
                       ("/v1/communities/1?limit=0", "query.limit"),
                       ("/v1/communities/1?offset=-1", "query.offset")):
        problem = assert_problem(client.get(bad), 422)
        assert problem["errors"][0]["field"] == field, (bad, problem)
        assert problem["errors"][0]["message"], bad


def test_query_errors_list_valid_values(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/queries/weak-linked?model=castle"), 422)
    assert "village_village" in body["detail"]
    body = assert_problem(client.get("/v1/entities/990101101202/recommendations?weights=x"), 422)
    assert body["errors"][0]["field"] == "query.weights"
    assert_problem(client.get("/v1/organisations/990101101201/members"), 422)
    assert_problem(client.get("/v1/organisations/nowhere/members"), 404)
