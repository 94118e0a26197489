"""Statuses: the status names of a year, and each status's evidence worked out when asked for,
the same before and after a snapshot."""

from __future__ import annotations

import pickle

import graphsvc
from graphsvc.model.status import Status, Statuses, compute_status


def test_statuses_are_compute_status_for_every_entity(fangshan: graphsvc.Network) -> None:
    y = fangshan.default_year()
    statuses = Statuses(fangshan.rules, fangshan.facts, y)
    expected = {n: compute_status(fangshan.rules, n, fs, y) for n, fs in fangshan.facts.items()}
    known = {n: st for n, st in expected.items() if st.status != "unknown"}
    assert known and set(statuses) == set(known) and len(statuses) == len(known)
    assert statuses.names == {n: st.status for n, st in known.items()}
    assert {"weak", "strong"} <= set(statuses.names.values())
    for n, st in known.items():
        assert statuses[n] == statuses.get(n) == st and n in statuses
    unknown = next(n for n, st in expected.items() if st.status == "unknown")
    assert statuses.get(unknown) is None and unknown not in statuses


def test_a_snapshot_keeps_the_names_and_works_the_evidence_out_again(
        fangshan: graphsvc.Network) -> None:
    statuses = fangshan.statuses()
    again = pickle.loads(pickle.dumps(statuses, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.names == statuses.names and again.year == statuses.year
    assert not again._made  # nothing is kept but the names: evidence comes back when asked
    with_evidence = [n for n in statuses if statuses[n].evidence]
    assert with_evidence
    for n in with_evidence:
        assert again[n] == statuses[n]
        assert isinstance(again[n], Status) and again[n].evidence


def test_the_network_status_of_one_entity(fangshan: graphsvc.Network) -> None:
    assert fangshan.status("黄山店村", 2022).status == "strong"
    assert fangshan.status("泗马沟村", 2022).evidence
