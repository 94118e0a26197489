"""/v1/view, what the network map draws: the export filters' subgraph with fixed positions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc.api.app import create_app
from graphsvc.api.settings import Settings
from graphsvc.export.subgraph import subgraph
from graphsvc.queries.layout import layout
from graphsvc.queries.view import view


@pytest.fixture(scope="module")
def client(fangshan: graphsvc.Network) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), fangshan)) as c:
        yield c


def test_view_has_the_export_filters_subgraph(fangshan: graphsvc.Network,
                                               client: TestClient) -> None:
    for params in ({}, {"township": "周口店地区"}, {"ego": "黄山店村", "hops": 2},
                   {"model": "village_village", "relation": "member_of"}):
        body = client.get("/v1/view", params=params).json()
        sub = subgraph(fangshan, **params)
        assert {n["id"] for n in body["nodes"]} == set(sub.nodes)
        assert {e["id"] for e in body["edges"]} == {k for *_, k in sub.edges(keys=True)}
        assert body["total"] == sub.number_of_nodes() and not body["truncated"]
        assert sum(body["counts"].values()) == body["total"]


def test_positions_are_fixed_per_data_version(fangshan: graphsvc.Network) -> None:
    again = graphsvc.load()  # a new network of the same data: a fresh layout, the same one
    assert again is not fangshan and layout(again) == layout(fangshan)
    assert layout(fangshan) is layout(fangshan)  # computed once per network
    pos = layout(fangshan)
    assert set(pos) == set(fangshan.graph)
    # no two entities on the same spot
    assert len(set(pos.values())) == len(pos)
    # as a snapshot keeps it: ids and one array of coordinates, read back the same
    import pickle

    back = pickle.loads(pickle.dumps(pos))
    assert back == pos and dict(back.items()) == dict(pos.items()) and len(back) == len(pos)
    assert type(back).__getstate__(back)[1].typecode == "d"  # (not one tuple per entity)
    a = view(fangshan, township="周口店地区")
    b = view(fangshan, preset="weak_linked")
    xy = {n.id: (n.x, n.y) for n in a.nodes}
    assert all(xy[n.id] == (n.x, n.y) for n in b.nodes)  # the same place in every view


def test_an_ego_network_is_drawn_on_rings_around_its_centre(fangshan: graphsvc.Network) -> None:
    v = view(fangshan, ego="黄山店村", hops=2)
    again = view(graphsvc.load(), ego="黄山店村", hops=2)
    assert [(n.id, n.x, n.y) for n in v.nodes] == [(n.id, n.x, n.y) for n in again.nodes]
    xy = {n.id: (n.x, n.y) for n in v.nodes}
    assert xy["110111009212"] == (0.0, 0.0)
    radius = {n: round((x * x + y * y) ** 0.5) for n, (x, y) in xy.items()}
    # one step away on the inner ring, two steps away further out
    one = {"110111009", "org.zkd-eight-villages", "place.zkd-demo-area"}
    assert max(radius[n] for n in one) < min(radius[n] for n in xy if n not in one | {
        "110111009212"})
    assert len(set(xy.values())) == len(xy)


def test_statuses_follow_the_year(client: TestClient) -> None:
    y2023 = client.get("/v1/view", params={"township": "110111009"}).json()
    y2020 = client.get("/v1/view", params={"township": "110111009", "year": 2020}).json()
    assert y2023["year"] == 2023 and y2023["status_counts"]["weak"] == 4
    assert y2020["status_counts"] == {"weak": 0, "strong": 0, "unknown": y2020["total"]}
    weak = client.get("/v1/view", params={"status": "weak"}).json()
    assert {n["name"] for n in weak["nodes"]} == {"泗马沟村", "北下寺村", "葫芦棚村", "长流水村"}


def test_over_the_limit_nothing_is_sent_and_the_message_says_why(client: TestClient) -> None:
    body = client.get("/v1/view", params={"limit": 100}).json()
    assert body["truncated"] and body["nodes"] == [] and body["edges"] == []
    assert body["total"] == 723 and "choose a township" in body["message"]
    # the biggest townships first, to narrow to
    assert body["townships"][0] == {"id": "110111105", "name": "长阳镇", "count": 91}


def test_presets(client: TestClient) -> None:
    linked = client.get("/v1/view", params={"preset": "weak_linked"}).json()
    assert len(linked["rows"]) == 4 and {r["other_name"] for r in linked["rows"]} == {"黄山店村"}
    assert len(linked["highlight_edges"]) == 5
    gaps = client.get("/v1/view", params={"preset": "gaps", "township": "佛子庄乡"}).json()
    assert gaps["rows"] and all(r["township_name"] == "佛子庄乡" for r in gaps["rows"])


@pytest.mark.parametrize(("params", "words"), [
    ({"preset": "everything"}, "preset"),
    ({"status": "weakish"}, "status"),
    ({"kind": "castle"}, "unknown kind 'castle'"),
    ({"township": "黄山店村"}, "not a township"),
    ({"ego": "no such village"}, "ego"),
    ({"hops": 2}, "hops needs ego"),
    ({"hops": 9, "ego": "黄山店村"}, "hops"),
    ({"colour": "red"}, "unknown query parameter"),
])
def test_bad_requests_get_a_readable_422(client: TestClient, params: dict[str, object],
                                         words: str) -> None:
    r = client.get("/v1/view", params=params)
    assert r.status_code in (404, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.text


def test_the_page_and_its_bundle_are_served(client: TestClient) -> None:
    page = client.get("/?township=110111009&year=2022")
    assert page.status_code == 200 and "/static/map/map.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    js = client.get("/static/map/map.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    for name in ("VERSION", "licenses/cytoscape.LICENSE.txt", "map.css"):
        assert client.get(f"/static/map/{name}").status_code == 200
    # nothing in the bundle reaches for another host
    for asset in ("map.js", "map.css", "index.html"):
        text = client.get(f"/static/map/{asset}").text
        assert "//cdn" not in text and "googleapis" not in text


def test_the_layout_is_warmed_as_soon_as_a_network_serves(tiny: graphsvc.Network) -> None:
    """The map's layout is a warm-up step: a network is laid out before it serves (and no
    thread of its own is left behind)."""
    import threading

    from graphsvc.api.warm import warm

    net = graphsvc.load(tiny.seed_dir)  # a network no other test has drawn yet
    assert not net.cache.has_index("map layout")
    threads = threading.active_count()
    warm(net)
    assert net.cache.has_index("map layout")
    assert threading.active_count() == threads
