"""Property tests: names and values from all of Unicode never make an invalid or lossy file."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import networkx as nx
import pytest
from conftest import gexf_as_published_xsd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from graphsvc.export import export
from graphsvc.export.prepare import clean_name, clean_text, scalar

NASTY = ["null", "NULL", "None", "INF", "-INF", "NaN", "=1+1", "+SUM(A1)", "-2", "@cmd",
         "\tx", "\r\n", "<&>\"'", "]]>", "😀👨‍👩‍👧", "\x00\x01\x1f", "\ud800", "\ufffe", " ", "",
         "北京市;房山区", "true"]
texts = st.one_of(st.text(alphabet=st.characters(codec=None), max_size=12),
                  st.sampled_from(NASTY))
values = st.one_of(
    texts, st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.lists(texts, max_size=3),
)
attr_names = st.one_of(st.sampled_from(["note", "x", "weight", "label", "size", "type", "id",
                                        "source", "key", "color", "数值", "a b", "1st", "e:f"]),
                       st.text(min_size=1, max_size=6))


@st.composite
def graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    """A small frozen MultiDiGraph with hostile names and attribute values."""
    g = nx.MultiDiGraph()
    n = draw(st.integers(min_value=1, max_value=6))
    for i in range(n):
        attrs = draw(st.dictionaries(attr_names, values, max_size=4))
        attrs.update(name=draw(texts), kind=draw(st.sampled_from(["village", "grid", "?"])))
        g.add_node(f"n{i}", **attrs)
    for j in range(draw(st.integers(min_value=0, max_value=8))):
        u, v = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        attrs = draw(st.dictionaries(attr_names, values, max_size=4))
        attrs.pop("key", None)
        attrs["relation"] = draw(texts)
        g.add_edge(f"n{u}", f"n{v}", key=f"e{j + 1}", **attrs)
    return nx.freeze(g)


def _bytes(g: nx.MultiDiGraph, fmt: str) -> bytes:
    buf = io.BytesIO()
    export(SimpleNamespace(graph=g), fmt, buf)
    return buf.getvalue()


def _expected(value: Any) -> Any:
    s = scalar(value)
    return s


PROPS = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@PROPS
@given(g=graphs())
def test_xml_always_valid(g: nx.MultiDiGraph, schemas: dict[str, Any]) -> None:
    for fmt in ("graphml", "gexf"):
        data = _bytes(g, fmt)
        assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        doc = etree.fromstring(data)
        if fmt == "gexf":
            doc = gexf_as_published_xsd(doc)
        assert schemas[fmt].validate(doc), (fmt, schemas[fmt].error_log)


@PROPS
@given(g=graphs())
def test_graphml_round_trip_values(g: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(_bytes(g, "graphml")), force_multigraph=True)
    assert set(back) == set(g)
    assert {(u, v, k) for u, v, k in back.edges(keys=True)} == set(g.edges(keys=True))
    for n, d in g.nodes(data=True):
        label = scalar(d.get("label")) or scalar(d["name"]) or n
        assert back.nodes[n]["label"] == (label if isinstance(label, str) else str(label).lower())
        for k, v in d.items():
            want = _expected(v)
            if k in ("label", "color", "size", "degree", "status") or clean_name(k) != k:
                continue
            if want is None:
                assert k not in back.nodes[n]
            elif isinstance(want, float) and isinstance(back.nodes[n][k], float):
                assert math.isclose(back.nodes[n][k], want)
            elif isinstance(want, bool):
                assert back.nodes[n][k] in (want, str(want).lower())
            elif isinstance(want, int) and isinstance(back.nodes[n][k], float):
                assert back.nodes[n][k] == float(want)
            else:
                assert str(back.nodes[n][k]).lower() == str(want).lower() or \
                    back.nodes[n][k] == want


@PROPS
@given(g=graphs())
def test_json_and_csv_never_break(g: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory
                                  ) -> None:
    data = json.loads(_bytes(g, "json"))
    back = nx.node_link_graph(data, edges="edges")
    assert set(back) == set(g) and set(back.edges(keys=True)) == set(g.edges(keys=True))
    out = tmp_path_factory.mktemp("csv")
    export(SimpleNamespace(graph=g), "csv", out)
    with (out / "nodes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(g) + 1
    risky = [c for r in rows for c in r if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert all(_is_number(c) for c in risky), risky  # only typed numbers such as -3
    export(SimpleNamespace(graph=g), "neo4j", out)
    with (out / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == g.number_of_edges() + 1


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_clean_text_removes_only_forbidden() -> None:
    assert clean_text("a\x00b\x1fc\td\ne\rf\ufffeg\ud800h\x85i") == "abc\td\ne\rfghi"
    assert clean_text("北京 😀 <&>") == "北京 😀 <&>"


def test_cells_are_neutralised(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    for i, name in enumerate(["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "ok"]):
        g.add_node(f"n{i}", name=name, note=f"-{i}", score=-i)
    export(SimpleNamespace(graph=nx.freeze(g)), "csv", tmp_path)
    with (tmp_path / "nodes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["n0"]["name"] == "'=HYPERLINK(\"x\")" and rows["n5"]["name"] == "ok"
    assert rows["n4"]["name"] == "'\tx" and rows["n2"]["note"] == "'-2"
    assert rows["n3"]["score"] == "-3"  # a typed number stays a number


def test_weight_zero_and_numeric_ids_are_made_safe() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key=0, weight=0)
    g.add_edge("a", "b", key=1, weight=2.5)
    data = _bytes(nx.freeze(g), "graphml")
    doc = etree.fromstring(data)
    keys = {k.get("attr.name") for k in doc.iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert "weight" not in keys and "weight_value" in keys
    ids = [e.get("id") for e in doc.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert ids == ["e1", "e2"]


def test_unsafe_node_ids_are_renumbered(schemas: dict[str, Any]) -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a b", "<c>", key="k1")
    for fmt in ("graphml", "gexf"):
        doc = etree.fromstring(_bytes(nx.freeze(g), fmt))
        if fmt == "gexf":
            doc = gexf_as_published_xsd(doc)
        assert schemas[fmt].validate(doc), schemas[fmt].error_log
