"""PackedTable answers as the dict it was made from, and comes back whole from a pickle."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.queries.packed import SEP, PackedTable, PairLists, Value

texts = st.text(alphabet=st.characters(blacklist_characters=SEP, blacklist_categories=("Cs",)),
                max_size=6)
values = st.one_of(texts, st.lists(texts, min_size=1, max_size=4).map(tuple))


@given(st.dictionaries(texts, values, max_size=40), st.lists(texts, max_size=10))
def test_same_answers_as_the_dict(table: dict[str, Value], others: list[str]) -> None:
    packed = PackedTable(table)
    for key in [*table, *others]:
        assert packed.get(key) == table.get(key)
        assert (key in packed) == (key in table)
    assert len(packed) == len(table)
    assert list(packed) == sorted(table)
    assert dict(packed.items()) == table
    again = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == packed and dict(again.items()) == table


def test_wildcard_keys_and_chinese() -> None:
    """The search index's keys: a NUL in place of one character; one stem or several."""
    table: dict[str, Value] = {"沙\0村": ("沙集", "沙河"), "\0集村": "沙集", "𠀀\0": ("𠀀a",)}
    packed = PackedTable(table)
    assert packed.get("沙\0村") == ("沙集", "沙河")
    assert packed.get("\0集村") == "沙集"
    assert packed.get("𠀀\0") == ("𠀀a",)  # a tuple of one stays a tuple
    assert packed.get("沙") is None and packed.get("", "none") == "none"
    assert PackedTable({}).get("x") is None and len(PackedTable({})) == 0


@pytest.mark.parametrize("bad", [("a" + SEP + "b"), (), ("ok", SEP)])
def test_a_value_it_cannot_hold_is_refused(bad: Value) -> None:
    with pytest.raises(ValueError, match="cannot pack"):
        PackedTable({"k": bad})


def test_a_snapshot_holds_four_blocks_not_an_object_per_key() -> None:
    def table(n: int) -> dict[str, Value]:
        return {f"键{i}": f"值{i}" for i in range(n)}

    assert _memo_entries(PackedTable(table(100))) == _memo_entries(PackedTable(table(5000)))
    assert _memo_entries(table(5000)) > 10_000


def _memo_entries(obj: object) -> int:
    class Sink:
        def write(self, data: bytes) -> int:
            return len(data)

    p = pickle.Pickler(Sink(), protocol=pickle.HIGHEST_PROTOCOL)
    p.dump(obj)
    return len(p.memo.copy())


@given(st.dictionaries(texts, st.lists(st.tuples(texts, texts), min_size=1, max_size=5),
                       max_size=20), st.lists(texts, max_size=5))
def test_pair_lists_answer_as_the_dict(lists: dict[str, list[tuple[str, str]]],
                                       others: list[str]) -> None:
    pairs = PairLists(lists)
    again = pickle.loads(pickle.dumps(pairs, protocol=pickle.HIGHEST_PROTOCOL))
    for table in (pairs, again):
        for key in [*lists, *others]:
            assert table.get(key) == lists.get(key)
            assert table.get(key, []) == lists.get(key, [])
            assert (key in table) == (key in lists)
        assert dict(table) == lists and len(table) == len(lists)


def test_pair_lists_hold_one_object_per_key() -> None:
    lists = {f"org{i}": [(f"v{i}-{j}", f"e{i}-{j}") for j in range(10)] for i in range(100)}
    flat = PairLists(lists)
    # keys and strings are in both; 100 lists become 100 flat tuples; the 1,000 pairs go
    # (less the few entries that name the class)
    assert 990 <= _memo_entries(lists) - _memo_entries(flat) <= 1_000
