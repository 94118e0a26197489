"""Every list answer pages the same way: limit/offset, total on every page, summaries kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import graphsvc
from graphsvc.errors import InvalidQuery
from graphsvc.queries import communities, coverage, gaps, group_metrics, outcomes, weak_linked

PAGED: dict[str, tuple[Callable[..., Any], str]] = {
    "gaps": (gaps, "data"),
    "coverage": (coverage, "by_township"),
    "group_metrics": (group_metrics, "data"),
    "outcomes": (outcomes, "data"),
    "communities": (communities, "data"),
    "weak_linked": (weak_linked, "data"),
}


def _ids(rows: list[Any]) -> list[str]:
    return [r.model_dump_json() for r in rows]


@pytest.mark.parametrize("name", sorted(PAGED))
def test_pages_add_up_to_the_whole_answer(fangshan: graphsvc.Network, name: str) -> None:
    fn, field = PAGED[name]
    everything = fn(fangshan)
    rows = getattr(everything, field)
    assert everything.total == everything.count == len(rows) >= 2, name
    assert (everything.offset, everything.limit) == (0, None)
    size = max(1, len(rows) // 3)
    pages = [fn(fangshan, limit=size, offset=o) for o in range(0, len(rows), size)]
    assert _ids([r for p in pages for r in getattr(p, field)]) == _ids(rows)
    for i, p in enumerate(pages):
        assert (p.total, p.limit, p.offset) == (len(rows), size, i * size)
        assert p.count == len(getattr(p, field)) <= size
    past = fn(fangshan, limit=size, offset=len(rows) + 5)
    assert (past.count, past.total, getattr(past, field)) == (0, len(rows), [])


@pytest.mark.parametrize("name", sorted(PAGED))
def test_bad_pages_are_refused(tiny: graphsvc.Network, name: str) -> None:
    fn, _ = PAGED[name]
    for kwargs in ({"limit": 0}, {"limit": -3}, {"limit": 1.5}, {"offset": -1},
                   {"offset": "2"}, {"limit": True}):
        with pytest.raises(InvalidQuery, match="limit|offset"):
            fn(tiny, **kwargs)


def test_summaries_are_on_every_page(fangshan: graphsvc.Network) -> None:
    whole = coverage(fangshan)
    page = coverage(fangshan, limit=2, offset=4)
    assert page.district == whole.district and page.by_model == whole.by_model
    assert page.by_township == whole.by_township[4:6]

    out = outcomes(fangshan)
    page_o = outcomes(fangshan, limit=1, offset=1)
    assert page_o.by_model == out.by_model and page_o.data == out.data[1:2]

    com = communities(fangshan)
    page_c = communities(fangshan, limit=1)
    assert (page_c.modularity, page_c.isolated) == (com.modularity, com.isolated)


def test_gap_summary_holds_the_page_townships_and_the_total(fangshan: graphsvc.Network) -> None:
    whole = gaps(fangshan)
    district = whole.summary[-1]
    assert district.township is None and len(whole.summary) > 2
    page = gaps(fangshan, limit=5, offset=whole.total - 5)
    assert page.summary[-1] == district
    towns = {g.entity.township for g in page.data}
    assert {r.township.id for r in page.summary[:-1] if r.township} == towns - {None}
    by_town = {r.township.id: r for r in whole.summary[:-1] if r.township}
    for row in page.summary[:-1]:
        assert row.township is not None and row == by_town[row.township.id]
    # a page that holds every gap keeps every township's row, as the whole answer does
    assert gaps(fangshan, limit=whole.total).summary == whole.summary
    one = gaps(fangshan, township=whole.summary[0].township.id if whole.summary[0].township
               else None, limit=1)
    assert len(one.summary) == 1 and one.summary[0].township is not None
