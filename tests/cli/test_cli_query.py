"""`graphsvc query ...` run as a real process: tables, --json and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graphsvc.cli.query import pad, table, width

ROOT = Path(__file__).resolve().parents[2]
TINY = str(Path(__file__).parents[1] / "fixtures" / "tiny")


def run(*args: str, seed: str | None = TINY) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "graphsvc", "query", *args]
    if seed:
        cmd += ["--seed", seed]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)


def run_json(*args: str, seed: str | None = TINY) -> Any:
    p = run(*args, "--json", seed=seed)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_width_and_table() -> None:
    assert width("甲村") == 4 and width("ab") == 2
    assert pad("甲", 4) == "甲  "
    lines = table(["name", "n"], [("西镇联合党委", 1), ("ab", 22)]).splitlines()
    assert width(lines[2].split("  ")[0]) == width("西镇联合党委")
    assert lines[3].index("22") == len("ab") + (width("西镇联合党委") - 2) + 2


@pytest.mark.parametrize("args, key", [
    (("weak-linked",), "data"), (("gaps",), "summary"), (("coverage",), "by_model"),
    (("outcomes",), "by_model"), (("metrics",), "most_connected"),
    (("communities",), "data"), (("community", "1"), "data"), (("recommend", "乙村"), "data"), (("tree", "990101"), "root"),
    (("members", "西镇联合党委"), "metrics"), (("neighbors", "乙村", "--hops", "2"), "edges"),
    (("path", "乙村", "990101101201"), "data"), (("search", "yc"), "ambiguous"),
    (("common", "乙村", "990101101201"), "data"), (("group-metrics",), "data"),
])
def test_every_query_json(args: tuple[str, ...], key: str) -> None:
    assert key in run_json(*args)


def test_weak_linked_table() -> None:
    p = run("weak-linked")
    assert p.returncode == 0
    assert "乙村 —成员→ 西镇联合党委 ←成员(龙头)— 甲村" in p.stdout
    assert run_json("weak-linked", "--year", "2020")["weak_total"] == 0


def test_search_and_path_tables() -> None:
    p = run("search", "甲村", "--township", "南乡")
    assert p.returncode == 0 and "990101201201" in p.stdout and "990101101201" not in p.stdout
    assert "ambiguous" in run("search", "甲村").stdout
    assert run_json("path", "乙村", "990101101201")["data"][0]["length"] == 2


def test_every_query_has_help() -> None:
    p = subprocess.run([sys.executable, "-m", "graphsvc", "query", "--help"], capture_output=True,
                       text=True, cwd=ROOT)
    for name in ("weak-linked", "gaps", "coverage", "outcomes", "metrics", "communities",
                 "community", "group-metrics",
                 "recommend", "tree", "members", "neighbors", "path", "search"):
        assert name in p.stdout


@pytest.mark.parametrize("args, words", [
    (("weak-linked", "--models", "villages"), "valid models"),
    (("neighbors", "乙村", "--hops", "0"), "hops: at least 1"),
    (("recommend", "乙村", "--weights", "near=1"), "valid principles"),
    (("members", "庚村"), "unknown entity"),
    (("members", "甲村"), "matches 2 entities"),
    (("gaps", "--limit", "0"), "limit: at least 1"),
    (("coverage", "--offset", "-1"), "offset: at least 0"),
    (("communities", "--members-limit", "1001"), "members_limit: at most 1000, not 1001"),
    (("communities", "--members-limit", "-1"), "members_limit: at least 0, not -1"),
    (("community", "99"), "unknown community 99: they are numbered 1 to 5, largest first"),
    (("community", "first"), "id: 'first' is not a whole number"),
])
def test_errors(args: tuple[str, ...], words: str) -> None:
    p = run(*args)
    assert p.returncode == 2 and words in p.stderr


def test_bundled_seed_weak_linked() -> None:
    data = run_json("weak-linked", "--township", "周口店地区", seed=None)
    pairs = {(d["weak"]["name"], d["strong"]["name"]) for d in data["data"]}
    assert {(w, "黄山店村") for w in ("泗马沟村", "长流水村", "葫芦棚村", "北下寺村")} <= pairs


@pytest.mark.parametrize("query, field", [
    ("gaps", "data"), ("coverage", "by_township"), ("group-metrics", "data"),
    ("outcomes", "data"), ("communities", "data"), ("weak-linked", "data"),
])
def test_list_answers_page_with_limit_and_offset(query: str, field: str) -> None:
    """The CLI pages every list answer with the library's and the API's option names."""
    whole = run_json(query, seed=None)
    page = run_json(query, "--limit", "2", "--offset", "1", seed=None)
    assert (page["limit"], page["offset"], page["total"]) == (2, 1, whole["total"])
    assert page[field] == whole[field][1:3]
    text = run(query, "--limit", "2", "--offset", "1", seed=None)
    assert text.returncode == 0, text.stderr
    assert f"(showing 2–3 of {whole['total']})" in text.stdout


def test_communities_and_one_community_agree() -> None:
    """The list shows `--members-limit` members of each community (the hub first) and its
    `member_count`; `query community ID` pages through all of them, as the library does."""
    listed = run_json("communities", "--members-limit", "1", seed=None)
    assert listed["members_limit"] == 1
    for c in listed["data"][:2]:
        whole = run_json("community", str(c["id"]), seed=None)
        assert whole["total"] == whole["count"] == c["member_count"] == c["size"] > 1
        assert whole["data"][:1] == c["members"] and whole["hub"] == c["members"][0]
        page = run_json("community", str(c["id"]), "--limit", "1", "--offset", "1", seed=None)
        assert page["data"] == whole["data"][1:2]
    text = run("community", "1", "--limit", "2", seed=None)
    assert text.returncode == 0, text.stderr
    assert f"(showing 1–2 of {listed['data'][0]['member_count']})" in text.stdout
