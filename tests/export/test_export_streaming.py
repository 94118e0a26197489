"""The streamed export writes the same bytes as the eager one before it (tests/export/
previous_writers.py), on the bundled seed and on made-up graphs full of hard cases."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from previous_writers import previous_export

import graphsvc
from graphsvc.export import ZipFiles, prepare_network, write_files
from graphsvc.export.prepare import ids_kept, is_number_like

FORMATS = ("graphml", "gexf", "json", "csv", "neo4j")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def streamed(net: Any, fmt: str, **filters: Any) -> dict[str, bytes]:
    """The files of an export as graphsvc writes them now, by file name."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        write_files(net, fmt, ZipFiles(archive), **filters)
    with zipfile.ZipFile(buf) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_same(net: Any, fmt: str, **filters: Any) -> None:
    new, old = streamed(net, fmt, **filters), previous_export(net, fmt, **filters)
    assert new.keys() == old.keys()
    for name in new:
        assert new[name] == old[name], (fmt, filters, name)


CASES = [(fmt, filters) for fmt in FORMATS
         for filters in ({}, {"color_by": "status"}, {"layout": True}, {"kind": "village"},
                         {"year": 2020})] + [("graphml", {"edge_types": True})]


@pytest.mark.parametrize(("fmt", "filters"), CASES)
def test_bundled_seed_same_bytes(fangshan: graphsvc.Network, fmt: str,
                                 filters: dict[str, Any]) -> None:
    assert_same(fangshan, fmt, **filters)


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_seeds_same_bytes(tiny: graphsvc.Network, fmt: str) -> None:
    assert_same(tiny, fmt)
    assert_same(graphsvc.load(FIXTURES / "own_schema"), fmt)


def tricky_graph() -> nx.MultiDiGraph:
    """MADE-UP test data (no real place): every kind of attribute a writer must clean, type,
    escape or rename, next to plain rows, and ids that must be renumbered."""
    g = nx.MultiDiGraph()
    g.add_node("v1", kind="village", name="东庄村", code="1101", source="SYN")  # plain
    g.add_node("v2", kind="village", name="西庄村", code="1102", source="SYN")  # same shape
    g.add_node("v3", kind="village", name="A&B <村> \"q\"", code="1103", source="SYN")
    g.add_node("v4", kind="village", name="tab\there", code="1104", source="SYN")
    g.add_node("v5", kind="village", name="bad\x01char\x85", code="1105", source="SYN")
    g.add_node("v6", kind="village", name=" ", code="1106", source="SYN")  # blank name
    g.add_node("v7", kind="village", name="\u3000", code="", source="SYN")  # blank values
    g.add_node("v8", kind="grid", name="数值", level=3, share=0.5, big=2**70, flag=True,
               tags=["a", "b"], meta={"k": 1}, nothing=None, nan=float("nan"))
    g.add_node("v9", **{"a b": "x", "a_b": "y", "1st": "z", "kind": "grid"})  # names collide
    g.add_node("v10", label="own label", size="big", degree="many", name="有标签")
    g.add_node("v11")  # no attributes at all: labelled by its id
    g.add_node("v12", kind="village", code="1112")  # no name: labelled by its id
    g.add_node("v13", name="mixed", level="三级")  # level: long and string in one column
    g.add_node("v14", kind="village", name="R&D村", code="1114", source="SYN")  # & alone
    g.add_edge("v1", "v2", key="k1", relation="part_of", label="隶属", directed=True)
    shared = {"relation": "part_of", "label": "隶属", "directed": True, "source": "SYN"}
    for k, (u, v) in enumerate([("v3", "v1"), ("v4", "v1"), ("v5", "v2")]):
        g.add_edge(u, v, key=f"s{k}")
        g._succ[u][v][f"s{k}"] = g._pred[v][u][f"s{k}"] = shared  # one dict, as the loader does
    g.add_edge("v8", "v8", key="loop", relation="a<b", weight=0, note="x\r\ny")  # weight 0
    g.add_edge("v8", "v9", key="p1", relation="covers", weight=2.5)
    g.add_edge("v8", "v9", key="p2", relation="covers", since=2019)  # parallel edge
    return nx.freeze(g)


def test_tricky_graph_same_bytes() -> None:
    net = SimpleNamespace(graph=tricky_graph())
    for fmt in FORMATS:
        assert_same(net, fmt)
    assert_same(net, "graphml", edge_types=True)
    assert_same(net, "gexf", layout=True)


def test_tricky_graph_rows() -> None:
    """Which rows are plain: only those a writer may print without escaping."""
    p = prepare_network(SimpleNamespace(graph=tricky_graph()))
    plain = {nid: ok for nid, _, _, _, ok in p.node_rows()}
    assert plain["v1"] and plain["v2"] and plain["v12"] and plain["v11"]
    assert not any(plain[n] for n in ("v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v14"))
    rows = dict(p.nodes)
    assert rows["v12"]["label"] == "v12" and rows["v11"]["label"] == "v11"
    assert rows["v1"]["degree"] == 3 and rows["v8"]["degree"] == 4  # a loop counts twice
    assert rows["v6"]["label"] == "v6" and "name" not in rows["v6"]
    assert len(p.nodes) == 14 and len(p.edges) == 7
    assert {c.name: c.type for c in p.edge_columns}["weight_value"] == "double"


def test_renumbered_ids_same_bytes() -> None:
    """Ids that are not safe NMTOKENs, that collide ignoring case, or edge keys that read as
    numbers are renumbered; in GEXF the layout still finds every node."""
    g = nx.MultiDiGraph()
    g.add_node("A", name="upper")
    g.add_node("a", name="lower")  # collides with A ignoring case
    g.add_node(7, name="an int id")
    g.add_edge("A", "a", relation="r")  # key 0: a number
    g.add_edge("a", 7, key="1e3", relation="r")
    net = SimpleNamespace(graph=nx.freeze(g))
    for fmt in FORMATS:
        assert_same(net, fmt)
    assert_same(net, "gexf", layout=True)
    p = prepare_network(net)
    assert not p.node_ids_kept and not p.edge_ids_kept
    assert [x for _, x, _, _, _ in p.node_rows()] == ["n1", "n2", "n3"]


def test_ids_kept() -> None:
    assert ids_kept(["e1", "e2", "Org.x"], "e")
    assert not ids_kept(["e1", "E1"], "e")  # the same ignoring case
    assert not ids_kept(["x", ""], "n")
    assert not ids_kept(["x y"], "n")
    assert not ids_kept(["e1", "12"], "e") and ids_kept(["e1", "12"], "n")
    assert not ids_kept(["nan"], "e") and ids_kept(["nano", "-x", ".a"], "e")
    assert is_number_like("-1.5e3") and not is_number_like("e1")


NASTY = ["", " ", "\u3000", "a&b", "<x>", '"q"', "\t", "\r\n", "\x00", "\x85", "\ud800",
         "北京", "ok", "None", "1"]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=5))
values = st.one_of(texts, texts, st.none(), st.booleans(), st.integers(-3, 3),
                   st.floats(allow_nan=True), st.lists(texts, max_size=2))
names = st.sampled_from(["name", "kind", "code", "label", "size", "weight", "a b", "a_b", "1x",
                         "note", "source"])
node_ids = st.one_of(st.sampled_from(["v1", "V1", "v2", "a b", "1", "x&y", "村", ""]),
                     st.integers(0, 3))


@st.composite
def graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    """MADE-UP graphs: plain string rows (most of a real network) mixed with hard ones, and
    edge dicts shared between edges, as a loaded network has them."""
    g = nx.MultiDiGraph()
    for node in draw(st.lists(node_ids, min_size=1, max_size=6, unique=True)):
        if draw(st.booleans()):  # a plain row: strings only
            attrs: dict[str, Any] = draw(st.dictionaries(names, st.sampled_from(
                ["东庄村", "village", "1101", "SYN"]), max_size=4))
        else:
            attrs = draw(st.dictionaries(names, values, max_size=4))
        g.add_node(node, **attrs)
    nodes = list(g)
    shared: dict[str, Any] = draw(st.dictionaries(names, values, max_size=3))
    for _ in range(draw(st.integers(0, 8))):
        u, v = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        key = draw(st.one_of(st.none(), st.sampled_from(["e1", "E1", "e2", "0", "k"])))
        key = g.add_edge(u, v, key=key)
        if draw(st.booleans()):
            g._succ[u][v][key] = g._pred[v][u][key] = shared
        else:
            g._succ[u][v][key].update(draw(st.dictionaries(names, values, max_size=3)))
    return nx.freeze(g)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(g=graphs(), color_by=st.sampled_from(["kind", "status"]), layout=st.booleans())
def test_made_up_graphs_same_bytes(g: nx.MultiDiGraph, color_by: str, layout: bool) -> None:
    net = SimpleNamespace(graph=g)
    for fmt in FORMATS:
        assert_same(net, fmt, color_by=color_by, layout=layout)
