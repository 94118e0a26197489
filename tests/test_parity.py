"""One registry, three faces that agree: every query of `graphsvc.queries.registry` is reachable
as a library function, a CLI subcommand and an HTTP route, with the same parameter names,
defaults and limits; and a value over a limit is refused by the CLI (exit 2, a message naming
the parameter and the limit) and over HTTP (422, the same)."""

from __future__ import annotations

import argparse
import inspect
from typing import Any

import pytest
from fastapi.testclient import TestClient

import graphsvc
from graphsvc.api import Settings, create_app
from graphsvc.cli.main import build_parser, main
from graphsvc.queries.registry import REGISTRY, Param, Query

QUERIES = sorted(REGISTRY)


@pytest.fixture(scope="module")
def openapi(tiny: graphsvc.Network) -> dict[str, Any]:
    return create_app(Settings(), tiny).openapi()


@pytest.fixture(scope="module")
def client(tiny: graphsvc.Network) -> TestClient:
    return TestClient(create_app(Settings(), tiny))


def subparser(words: tuple[str, ...]) -> argparse.ArgumentParser:
    """The argparse parser of `graphsvc WORDS...`."""
    parser = build_parser()
    for word in words:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    return parser


def operation(openapi: dict[str, Any], query: Query) -> dict[str, Any]:
    op: dict[str, Any] = openapi["paths"]["/v1" + query.route.path][query.route.method.lower()]
    return op


# -- the library ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", QUERIES)
def test_the_library_function_takes_the_registry_parameters(name: str) -> None:
    query = REGISTRY[name]
    sig = inspect.signature(query.func)
    taken = [p for p in sig.parameters if p != "net"]
    assert sorted(taken) == sorted(p.name for p in query.params), name
    for p in query.params:
        default = sig.parameters[p.name].default
        if p.required:
            assert default is inspect.Parameter.empty, (name, p.name)
        else:
            assert default == p.default, (name, p.name, default, p.default)
    assert inspect.signature(query.func).return_annotation in (query.result.__name__,
                                                              query.result)


# -- the command line -----------------------------------------------------------------------
@pytest.mark.parametrize("name", QUERIES)
def test_the_cli_subcommand_takes_the_registry_parameters(name: str) -> None:
    query = REGISTRY[name]
    parser = subparser(query.cli)
    actions = {a.dest: a for a in parser._actions}
    for p in query.params:
        action = actions[p.name]
        if p.positional:
            assert action.option_strings == [] and action.metavar == p.cli_flag, p.name
            assert (action.nargs == "+") == p.repeated, p.name
        else:
            assert action.option_strings == [p.cli_flag, *p.deprecated_flags], p.name
            assert action.default == p.default, p.name
        assert p.help.split(",")[0].split(" (")[0] in (action.help or ""), p.name
    cli_only = {"help", "json", "seed"}
    assert set(actions) - cli_only == {p.name for p in query.params}, name
    for old in query.deprecated_cli:  # an older name still reaches the same subcommand
        assert subparser((*query.cli[:-1], old)).prog == parser.prog


# -- HTTP -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", QUERIES)
def test_the_http_route_takes_the_registry_parameters(openapi: dict[str, Any],
                                                      name: str) -> None:
    query = REGISTRY[name]
    op = operation(openapi, query)
    assert op["operationId"] == query.route.operation_id
    result = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert result.rsplit("/", 1)[1] == query.result.__name__
    served = {p["name"]: p for p in op.get("parameters", [])}
    assert set(served) == {p.http_name for p in query.params}, name
    for p in query.params:
        given = served[p.http_name]
        in_path = "{" + p.http_name + "}" in query.route.path
        assert given["in"] == ("path" if in_path else "query"), p.name
        assert given["required"] == p.required, p.name
        schema = _non_null(given["schema"])
        assert (schema.get("type") == "array") == p.repeated, p.name
        item = schema.get("items", schema) if p.repeated else schema
        if p.le is not None and (name, p.name) != ("entities", "limit"):
            assert item.get("maximum") == p.le, (name, p.name)
        if p.ge is not None and (name, p.name) != ("entities", "limit"):
            assert item.get("minimum") == p.ge, (name, p.name)
        if p.repeated:
            assert schema.get("minItems") == p.min_items, p.name
            assert schema.get("maxItems") == p.max_items, p.name
        if not p.required and (name, p.name) != ("entities", "limit"):
            assert given["schema"].get("default") == p.api_default, (name, p.name)


def test_the_settings_limits_are_the_registry_limits() -> None:
    """The two limits an operator may change start at the registry's."""
    s = Settings()
    limit = REGISTRY["entities"].param("limit")
    assert (s.page_size, s.max_page_size) == (limit.default, limit.le)
    assert s.max_hops == REGISTRY["neighbors"].param("hops").le


def test_every_query_route_is_in_the_registry(openapi: dict[str, Any]) -> None:
    """No query over HTTP that the CLI lacks: every operation is a registry query, or one of
    the few that are not questions of the data (health, meta, admin, export, the map)."""
    not_queries = {"healthz", "readyz", "meta", "reload", "adminCache", "exportGraph", "view"}
    ops = {op["operationId"] for item in openapi["paths"].values() for op in item.values()}
    assert ops - not_queries == {q.route.operation_id for q in REGISTRY.values()}


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return dict(option)
    return schema


# -- a value over a limit is refused the same way ---------------------------------------------
def _bounds() -> list[tuple[str, str, int]]:
    out = []
    for name in QUERIES:
        for p in REGISTRY[name].params:
            if p.le is not None:
                out.append((name, p.name, p.le + 1))
            if p.ge is not None:
                out.append((name, p.name, p.ge - 1))
            if p.max_items is not None:
                out.append((name, p.name, p.max_items + 1))
            if p.min_items is not None:
                out.append((name, p.name, p.min_items - 1))
    return out


def _valid(p: Param) -> str:
    """A value of the parameter's type, so that only the bad one is refused (`x`, or `1`)."""
    return "1" if p.type is int else "x"


def _cli_args(query: Query, bad: Param, value: int) -> list[str]:
    args = [*query.cli]
    for p in query.params:
        if p is bad and p.repeated:
            args += [f"e{i}" for i in range(value)]
        elif p is bad:
            args += [f"{p.cli_flag}={value}"]
        elif p.positional and p.required:
            args += ["x", "y"] if p.repeated else [_valid(p)]
    return args


def _http_url(query: Query, bad: Param, value: int) -> str:
    path, params = query.route.path, []
    for p in query.params:
        if p is bad and p.repeated:
            params += [(p.http_name, f"e{i}") for i in range(value)]
        elif p is bad:
            params.append((p.http_name, str(value)))
        elif "{" + p.http_name + "}" in path:
            path = path.replace("{" + p.http_name + "}", _valid(p))
        elif p.required:
            params += [(p.http_name, "x"), (p.http_name, "y")] if p.repeated else [
                (p.http_name, "x")]
    return "/v1" + path + "?" + "&".join(f"{k}={v}" for k, v in params)


@pytest.mark.parametrize("name, param, value", _bounds())
def test_a_value_beyond_a_limit_is_refused_by_the_cli_and_over_http(
        client: TestClient, capsys: pytest.CaptureFixture[str], name: str, param: str,
        value: int) -> None:
    query = REGISTRY[name]
    p = query.param(param)
    limit = str(p.le if p.le is not None and value > p.le else
                p.ge if p.ge is not None and value < p.ge else
                p.max_items if p.max_items is not None and value > p.max_items else p.min_items)
    try:
        code = main(_cli_args(query, p, value))
    except SystemExit as exc:  # argparse's own refusal
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2, err
    assert p.name in err and limit in err, err

    r = client.get(_http_url(query, p, value))
    assert r.status_code == 422, r.text
    body = r.json()
    fields = [e["field"] for e in body.get("errors", [])]
    assert f"query.{p.http_name}" in fields, body
    assert limit in r.text, body


# -- the older spellings still work -----------------------------------------------------------
def test_old_cli_spellings_work_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "path", "查儿村", "中英水村", "--relations", "member_of", "--json"]) == 0
    out = capsys.readouterr()
    assert "graphsvc query path is deprecated; use graphsvc query paths" in out.err
    assert "--relations is deprecated; use --relation" in out.err
    assert '"length": 2' in out.out
    assert main(["query", "common", "查儿村", "中英水村", "--json"]) == 0
    assert "use graphsvc query common-neighbors" in capsys.readouterr().err
    assert main(["query", "recommend", "泗马沟村", "--weights", "adjacent=2", "--json"]) == 0
    out = capsys.readouterr()
    assert "--weights NAME=NUMBER is deprecated" in out.err and '"adjacent": 2.0' in out.out


def test_repeated_values_may_be_comma_separated_in_both_faces(
        capsys: pytest.CaptureFixture[str]) -> None:
    net = graphsvc.load()
    c = TestClient(create_app(Settings(), net))
    args = ["query", "neighbors", "查儿村", "--hops", "2", "--json"]
    assert main([*args, "--relation", "member_of,partner_of"]) == 0
    comma = capsys.readouterr().out
    assert main([*args, "--relation", "member_of", "--relation", "partner_of"]) == 0
    assert capsys.readouterr().out == comma
    url = "/v1/entities/查儿村/neighbors?hops=2&relation="
    assert c.get(url + "member_of,partner_of").json() == \
        c.get(url + "member_of&relation=partner_of").json()


def test_weights_have_one_syntax_and_the_old_one_is_marked_over_http(
        client: TestClient) -> None:
    new = client.get("/v1/entities/乙村/recommendations?weights=adjacent:2")
    old = client.get("/v1/entities/乙村/recommendations?weights=adjacent=2")
    assert new.status_code == old.status_code == 200, (new.text, old.text)
    assert new.json() == old.json() and new.json()["weights"]["adjacent"] == 2
    assert "deprecation" not in new.headers and old.headers["deprecation"].startswith("@")


@pytest.mark.parametrize("name, param", [("neighbors", "hops"), ("tree", "depth"),
                                         ("weak-linked", "max_hops")])
def test_the_library_keeps_the_limits_that_bound_its_work(tiny: graphsvc.Network, name: str,
                                                          param: str) -> None:
    """The walks whose cost grows with a parameter refuse the registry's limit + 1 in Python
    too (the CLI and the API refuse it before calling)."""
    query = REGISTRY[name]
    p = query.param(param)
    args = {x.name: "乙村" for x in query.params if x.required}
    assert p.le is not None
    query.func(tiny, **args, **{param: p.le})
    with pytest.raises(graphsvc.InvalidQuery, match=f"{p.le}"):
        query.func(tiny, **args, **{param: p.le + 1})
