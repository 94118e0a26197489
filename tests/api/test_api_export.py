"""Export downloads: content type, file name, ETag, filters, and files that read back."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc.api import Settings, create_app


@pytest.fixture(scope="module")
def client(tiny: graphsvc.Network) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), tiny)) as c:
        yield c


@pytest.mark.parametrize(("fmt", "media", "suffix"), [
    ("graphml", "application/graphml+xml", ".graphml"), ("gexf", "application/gexf+xml", ".gexf"),
    ("json", "application/json", ".json"), ("csv", "application/zip", "-csv.zip")])
def test_download_headers(client: TestClient, tiny: graphsvc.Network, fmt: str, media: str,
                          suffix: str) -> None:
    r = client.get(f"/v1/export/graph.{fmt}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert r.headers["content-disposition"] == (
        f'attachment; filename="graphsvc-{tiny.data_version}{suffix}"')
    assert r.headers["etag"] == f'"{tiny.data_version}"'
    assert client.get(f"/v1/export/graph.{fmt}",
                      headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_whole_graph_reads_back(client: TestClient, tiny: graphsvc.Network) -> None:
    g = nx.read_graphml(io.BytesIO(client.get("/v1/export/graph.graphml").content))
    assert g.number_of_nodes() == tiny.graph.number_of_nodes()
    assert g.number_of_edges() == tiny.graph.number_of_edges()
    data = json.loads(client.get("/v1/export/graph.json").content)
    assert len(data["nodes"]) == tiny.graph.number_of_nodes()
    z = zipfile.ZipFile(io.BytesIO(client.get("/v1/export/graph.csv").content))
    assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
    nodes = z.read("nodes.csv").decode("utf-8-sig").splitlines()
    assert len(nodes) == tiny.graph.number_of_nodes() + 1


def test_filters_cut_a_subgraph(client: TestClient) -> None:
    data = json.loads(client.get("/v1/export/graph.json",
                                 params={"ego": "990101101201", "hops": 1}).content)
    ids = {n["id"] for n in data["nodes"]}
    assert "990101101201" in ids and "org.west-joint" in ids and "990101201" not in ids
    data = json.loads(client.get("/v1/export/graph.json?kind=village&kind=township").content)
    assert {n["kind"] for n in data["nodes"]} == {"village", "township"}


def test_bad_export_options_are_problems(client: TestClient) -> None:
    r = client.get("/v1/export/graph.xml")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "path.fmt"
    r = client.get("/v1/export/graph.json?hops=2")
    assert r.status_code == 422 and "ego" in r.json()["detail"]
    r = client.get("/v1/export/graph.json?kind=castle")
    assert r.status_code == 422 and "village" in r.json()["detail"]
    assert client.get("/v1/export/graph.json?format=csv").status_code == 422
