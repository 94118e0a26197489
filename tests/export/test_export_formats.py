"""Every export format on the tiny seed and the bundled seed: schema-valid, read back the same."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import GEXF_NS, GEXF_VIZ, JS, gexf_as_published_xsd
from lxml import etree

import graphsvc
from graphsvc.export import FORMATS, ZipFiles, prepare_network, write_files


def export_bytes(net: Any, fmt: str, **filters: Any) -> bytes:
    """The export as bytes (single-file formats)."""
    buf = io.BytesIO()
    net.export(fmt, buf, **filters)
    return buf.getvalue()


def edge_set(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """(source, target, key) of every edge."""
    return {(str(u), str(v), str(k)) for u, v, k in g.edges(keys=True)}


@pytest.fixture(params=["tiny", "fangshan"])
def net(request: pytest.FixtureRequest) -> graphsvc.Network:
    """The tiny seed and the bundled seed in turn."""
    return request.getfixturevalue(request.param)


# -- GraphML ---------------------------------------------------------------------------------
def test_graphml_is_schema_valid(net: graphsvc.Network, schemas: dict[str, Any]) -> None:
    data = export_bytes(net, "graphml")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    doc = etree.fromstring(data)
    assert schemas["graphml"].validate(doc), schemas["graphml"].error_log


def test_graphml_keys_and_ids(tiny: graphsvc.Network) -> None:
    doc = etree.fromstring(export_bytes(tiny, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = doc.findall("g:key", ns)
    assert {k.get("for") for k in keys} == {"node", "edge"}
    assert {k.get("attr.type") for k in keys} <= {"boolean", "int", "long", "float", "double",
                                                 "string"}
    ids = [k.get("id").lower() for k in keys]
    assert len(ids) == len(set(ids))
    for domain in ("node", "edge"):
        names = [k.get("attr.name") for k in keys if k.get("for") == domain]
        assert len(names) == len(set(names))
    types = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in keys}
    assert types[("node", "degree")] == "long"
    assert types[("node", "size")] == "double"
    assert types[("edge", "directed")] == "boolean"
    graph = doc.find("g:graph", ns)
    assert graph.get("edgedefault") == "directed"
    edge_ids = [e.get("id") for e in graph.findall("g:edge", ns)]
    assert len(edge_ids) == len(set(edge_ids)) == tiny.graph.number_of_edges()
    assert set(edge_ids) == {k for *_, k in tiny.graph.edges(keys=True)}
    assert all(i.startswith("e") and not i.isdigit() for i in edge_ids)
    node_ids = {n.get("id") for n in graph.findall("g:node", ns)}
    assert node_ids == set(tiny.graph)
    text = etree.tostring(doc, encoding="unicode")
    assert ">None<" not in text and ">null<" not in text and "></data>" not in text


def test_graphml_round_trip(net: graphsvc.Network) -> None:
    g = nx.read_graphml(io.BytesIO(export_bytes(net, "graphml")), force_multigraph=True)
    assert set(g) == set(net.graph)
    assert edge_set(g) == edge_set(net.graph)
    for n, d in net.graph.nodes(data=True):
        got = g.nodes[n]
        assert {k: got[k] for k in d} == d
        assert got["label"] == d["name"]
        assert isinstance(got["degree"], int) and got["degree"] == net.graph.degree(n)
        assert isinstance(got["size"], float)
    for u, v, k, d in net.graph.edges(keys=True, data=True):
        got = g.edges[u, v, k]
        assert {a: got[a] for a in d} == d
        assert got["directed"] is d["directed"]


def test_graphml_gephi_edge_types_option(tiny: graphsvc.Network) -> None:
    doc = etree.fromstring(export_bytes(tiny, "graphml", edge_types=True))
    edges = doc.findall(".//{http://graphml.graphdrawing.org/xmlns}edge")
    by_id = {e.get("id"): e.get("label") for e in edges}
    assert {by_id[k] for *_, k in tiny.graph.edges(keys=True)} == {
        r for *_, r in tiny.graph.edges(data="relation")}


def test_igraph_reads_graphml(net: graphsvc.Network, tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph", reason="python-igraph is not installed")
    path = tmp_path / "g.graphml"
    net.export("graphml", path)
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.vcount() == net.graph.number_of_nodes()
    assert g.ecount() == net.graph.number_of_edges()
    assert set(g.vs["id"]) == set(net.graph)
    assert sorted(g.es["relation"]) == sorted(r for *_, r in net.graph.edges(data="relation"))
    assert set(g.vs["label"]) == {d["name"] for _, d in net.graph.nodes(data=True)}


# -- GEXF ------------------------------------------------------------------------------------
def test_gexf_is_schema_valid(net: graphsvc.Network, schemas: dict[str, Any]) -> None:
    data = export_bytes(net, "gexf", layout=True)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    doc = etree.fromstring(data)
    assert doc.nsmap == {None: GEXF_NS, "viz": GEXF_VIZ,
                         "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    # With the viz elements where the published XSD declares them, the whole file is valid ...
    assert schemas["gexf"].validate(gexf_as_published_xsd(doc)), schemas["gexf"].error_log
    # ... and as written, the viz elements (where networkx reads them) are its only complaint.
    assert not schemas["gexf"].validate(doc)
    errors = {e.message.split("'")[1] for e in schemas["gexf"].error_log}
    assert errors == {f"{{{GEXF_VIZ}}}color"}, schemas["gexf"].error_log


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def test_gexf_viz_and_kinds(tiny: graphsvc.Network) -> None:
    ns, viz = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ}}}"
    doc = etree.fromstring(export_bytes(tiny, "gexf", color_by="status", year=2022))
    nodes = {n.get("id"): n for n in doc.iter(f"{ns}node")}
    strong, weak = nodes["990101101201"], nodes["990101101202"]
    assert strong.get("label") == "甲村"
    assert strong.find(f"{viz}color").attrib == {"r": "49", "g": "163", "b": "84"}
    assert weak.find(f"{viz}color").attrib == {"r": "230", "g": "85", "b": "13"}
    assert float(strong.find(f"{viz}size").get("value")) > float(
        nodes["990101101204"].find(f"{viz}size").get("value"))
    assert doc.find(f".//{ns}color") is None  # no viz element left in the main namespace
    kinds = {e.get("id"): e.get("kind") for e in doc.iter(f"{ns}edge")}
    assert kinds == {k: r for *_, k, r in tiny.graph.edges(keys=True, data="relation")}


@pytest.mark.parametrize("color_by", ["kind", "status"])
def test_networkx_reads_gexf_colours_sizes_positions(fangshan: graphsvc.Network,
                                                     color_by: str) -> None:
    """networkx's read_gexf gets back every node's viz colour, size and position: the colour
    equals the `color` attribute (another channel of the same file), the size the `size`
    attribute, the position the layout's."""
    g = nx.read_gexf(io.BytesIO(export_bytes(fangshan, "gexf", layout=True, color_by=color_by)))
    positions = prepare_network(fangshan, layout=True).positions
    assert len(positions) == fangshan.graph.number_of_nodes() == g.number_of_nodes()
    colours = set()
    for n, d in g.nodes(data=True):
        r, gr, b = _rgb(d["color"])
        assert d["viz"]["color"] == {"r": r, "g": gr, "b": b, "a": 1.0}, n
        assert d["viz"]["size"] == d["size"] > 0
        x, y = positions[n]
        assert d["viz"]["position"] == {"x": x, "y": y, "z": 0.0}, n
        colours.add(d["color"])
    assert len(colours) > 2  # by kind or by status, not one colour for all


def test_gexf_round_trip(net: graphsvc.Network) -> None:
    g = nx.read_gexf(io.BytesIO(export_bytes(net, "gexf")))
    assert set(g) == set(net.graph)
    assert g.number_of_edges() == net.graph.number_of_edges()
    got_ids = {d["id"] for *_, d in g.edges(data=True)}
    assert got_ids == {k for *_, k in net.graph.edges(keys=True)}
    kinds = {d["id"]: d["relation"] for *_, d in g.edges(data=True)}
    assert kinds == {k: r for *_, k, r in net.graph.edges(keys=True, data="relation")}
    for n, d in net.graph.nodes(data=True):
        got = g.nodes[n]
        assert {k: got[k] for k in d} == d
        assert isinstance(got["degree"], int)


# -- independent JavaScript readers -----------------------------------------------------------
def _graphology(node: str, fmt: str, path: Path) -> dict[str, Any]:
    out = subprocess.run([node, str(JS / "read.js"), fmt, str(path)], capture_output=True,
                         text=True, timeout=120, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphology_reads(net: graphsvc.Network, fmt: str, tmp_path: Path,
                          node_readers: str) -> None:
    path = tmp_path / f"g.{fmt}"
    net.export(fmt, path, layout=(fmt == "gexf"))
    got = _graphology(node_readers, fmt, path)
    assert got["order"] == net.graph.number_of_nodes()
    if fmt == "gexf":  # viz colour, size and position (graphology finds them by `viz:` prefix)
        prepared = prepare_network(net, layout=True)
        colours = {n: str(a["color"]) for n, a in prepared.nodes}
        positions = prepared.positions
        for n, attrs in got["nodes"].items():
            assert attrs["color"] == "rgb({},{},{})".format(*_rgb(colours[n])), n
            assert attrs["x"] == positions[n][0] and attrs["y"] == positions[n][1]
            assert attrs["size"] > 0
    assert got["size"] == net.graph.number_of_edges()
    assert set(got["edges"]) == {k for *_, k in net.graph.edges(keys=True)}
    some = next(iter(net.graph))
    assert got["nodes"][some]["label"] == net.graph.nodes[some]["name"]


# -- JSON ------------------------------------------------------------------------------------
def test_json_node_link_round_trip(net: graphsvc.Network) -> None:
    data = json.loads(export_bytes(net, "json"))
    g = nx.node_link_graph(data, edges="edges")
    assert g.is_multigraph() and g.is_directed()
    assert set(g) == set(net.graph)
    assert edge_set(g) == edge_set(net.graph)
    for n, d in net.graph.nodes(data=True):
        assert {k: g.nodes[n][k] for k in d} == d
    for u, v, k, d in net.graph.edges(keys=True, data=True):
        got = dict(g.edges[u, v, k])
        # node-link's `source` is the edge's tail: the seed source travels as `source_id`
        got["source"] = got.pop("source_id")
        assert {a: got[a] for a in d} == d
    assert data["graph"]["data_version"] == net.data_version


# -- CSV -------------------------------------------------------------------------------------
def test_csv_files(tiny: graphsvc.Network, tmp_path: Path) -> None:
    written = tiny.export("csv", tmp_path / "out")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    raw = (tmp_path / "out" / "nodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "out" / "nodes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == tiny.graph.number_of_nodes()
    jia = next(r for r in rows if r["id"] == "990101101201")
    assert jia["name"] == "甲村" and jia["degree"] == "3" and jia["kind"] == "village"
    with (tmp_path / "out" / "edges.csv").open(encoding="utf-8-sig", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert list(edges[0])[:6] == ["id", "from", "to", "relation", "label", "directed"]
    assert {(e["from"], e["to"], e["id"]) for e in edges} == edge_set(tiny.graph)
    assert {e["directed"] for e in edges} == {"true", "false"}


# -- Neo4j -----------------------------------------------------------------------------------
def test_neo4j_files(tiny: graphsvc.Network, tmp_path: Path) -> None:
    tiny.export("neo4j", tmp_path)
    with (tmp_path / "nodes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    assert head[:2] == ["id:ID", ":LABEL"]
    assert "degree:long" in head and "size:double" in head and "name:string" in head
    labels = {r[0]: r[1] for r in rows[1:]}
    assert labels["org.west-joint"] == "Entity;PartyOrg"
    with (tmp_path / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        rels = list(csv.reader(fh))
    assert rels[0][:4] == [":START_ID", ":END_ID", ":TYPE", "key:string"]
    assert "directed:boolean" in rels[0]
    key = next(k for _, v, k in tiny.graph.out_edges("990101101201", keys=True)
               if v == "org.west-joint")
    assert ["990101101201", "org.west-joint", "MEMBER_OF", key] in [r[:4] for r in rels[1:]]
    assert len(rels) - 1 == tiny.graph.number_of_edges()


# -- destinations ----------------------------------------------------------------------------
SINGLE = [f for f, spec in FORMATS.items() if not spec.multi_file]
MULTI = [f for f, spec in FORMATS.items() if spec.multi_file]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block under this process umask."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("fmt", SINGLE)
def test_single_file_to_path(tiny: graphsvc.Network, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"g.{fmt}"
    assert tiny.export(fmt, path) == [path]
    assert path.read_bytes() == export_bytes(tiny, fmt)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_files_get_the_usual_mode(tiny: graphsvc.Network, fmt: str, mask: int,
                                  tmp_path: Path) -> None:
    """Like any file a program writes: 0666 minus the umask (mkstemp's 0600 would hide an
    export from the group); the folder csv/neo4j make: 0777 minus the umask."""
    dest = tmp_path / "out"
    with umask(mask):
        written = tiny.export(fmt, dest)
    assert written
    for path in written:
        assert mode(path) == 0o666 & ~mask, (path, oct(mode(path)))
    if fmt in MULTI:
        assert mode(dest) == 0o777 & ~mask


@pytest.mark.parametrize("fmt", SINGLE)
def test_replacing_a_file_keeps_its_mode(tiny: graphsvc.Network, fmt: str,
                                         tmp_path: Path) -> None:
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with umask(0o022):
        tiny.export(fmt, path)
    assert mode(path) == 0o640 and path.read_bytes() != b"old"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_missing_parent_folder_is_an_error(tiny: graphsvc.Network, fmt: str,
                                           tmp_path: Path) -> None:
    dest = tmp_path / "no" / "such" / ("out" if fmt in MULTI else f"g.{fmt}")
    with pytest.raises(graphsvc.InvalidQuery, match="does not exist"):
        tiny.export(fmt, dest)
    assert list(tmp_path.iterdir()) == []  # no folder was made


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_parent_that_is_a_file_is_an_error(tiny: graphsvc.Network, fmt: str,
                                           tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(graphsvc.InvalidQuery, match="is not a folder"):
        tiny.export(fmt, tmp_path / "file" / "out")


def test_dash_is_standard_output(tiny: graphsvc.Network,
                                 capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for fmt in SINGLE:
        assert tiny.export(fmt, "-") is None
        assert capsysbinary.readouterr().out == export_bytes(tiny, fmt)
    for fmt in MULTI:
        with pytest.raises(graphsvc.InvalidQuery, match="standard output takes graphml"):
            tiny.export(fmt, "-")


def test_multi_file_needs_directory(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match="directory"):
        tiny.export("csv", io.BytesIO())


def test_bad_format_and_option(tiny: graphsvc.Network) -> None:
    with pytest.raises(graphsvc.InvalidQuery, match="graphml, gexf, json, csv, neo4j"):
        tiny.export("xlsx", io.BytesIO())
    with pytest.raises(graphsvc.InvalidQuery, match="township"):
        tiny.export("json", io.BytesIO(), town="西镇")


class Recording:
    """`Files` that keep what a writer writes, by name, in memory."""

    def __init__(self) -> None:
        self.written: dict[str, bytes] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[io.BytesIO]:
        buf = io.BytesIO()
        yield buf
        self.written[name] = buf.getvalue()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_writes_the_files_it_declares_and_nothing_else(
        tiny: graphsvc.Network, fmt: str, tmp_path: Path) -> None:
    """One writer protocol: a writer only opens its declared files through `Files`, and what
    it writes is the same whether it goes to memory or to disk."""
    rec = Recording()
    write_files(tiny, fmt, rec)
    spec = FORMATS[fmt]
    assert tuple(rec.written) == spec.files
    assert all(rec.written.values())
    if spec.multi_file:
        paths = tiny.export(fmt, tmp_path)
        assert [p.name for p in paths] == list(spec.files)
    else:
        paths = tiny.export(fmt, tmp_path / f"graph{spec.suffix}")
    for p in paths:
        if fmt != "gexf":  # GEXF carries today's date, the same in both
            assert p.read_bytes() == rec.written[p.name], p.name


def test_a_directory_format_zips_to_the_bytes_of_its_files(tiny: graphsvc.Network,
                                                             tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        write_files(tiny, "csv", ZipFiles(zf))
    paths = tiny.export("csv", tmp_path)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        assert zf.namelist() == ["nodes.csv", "edges.csv"]
        for p in paths:
            assert zf.read(p.name) == p.read_bytes()
