"""Search and name resolution: code, name, alias, suffix variants, pinyin, traditional, variants."""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery, UnknownEntity
from graphsvc.loader.names import pinyin_and_initials, simplified, stem
from graphsvc.network import Network
from graphsvc.queries.common import EntityRef
from graphsvc.queries.common import ref as eref
from graphsvc.queries.packed import PackedTable

SCORES = {"code": 1.0, "id": 1.0, "name": 1.0, "alias": 0.95, "suffix": 0.9,
          "pinyin": 0.8, "initials": 0.7, "variant": 0.6}
TRADITIONAL_FACTOR = 0.98
MAX_CANDIDATES = 200
"""An ambiguous name lists every equally good candidate, up to this many."""
_TRAD_SCORES = {k: round(v * TRADITIONAL_FACTOR, 3) for k, v in SCORES.items()}
LATIN = re.compile(r"^[a-z' ]+$")


class Match(BaseModel):
    """One entity a search text may mean, why it matched and how well (0–1)."""

    entity: EntityRef
    score: float
    reason: str
    matched: str
    explanation: str


class SearchResult(BaseModel):
    """Every entity a text may name, best first; `ambiguous` when the best score is shared."""

    text: str
    township: str | None
    ambiguous: bool
    data: list[Match]
    count: int


Hit = tuple[str, str]
"""(entity id, the spelling that matched)."""
Spellings = str | tuple[str, ...]
"""One spelling, or several: most keys of a national index have one, and the index is kept
in the snapshot, where millions of one-item lists would cost seconds to load."""


@dataclass
class SearchIndex:
    """Spellings (names and aliases) by stem, pinyin and initials, and stems by one-character
    wildcard key; the entities of a spelling come from the network's name index.

    The tables looked up a few times per search (pinyin, initials, and the 1.27 million
    wildcard keys nationally) are :class:`PackedTable` s: a start from the snapshot reads each
    as four blocks, not an object per key and value (1.8 million in all). Stems are looked up
    once per candidate (thousands for a common name), so they stay a dict."""

    stems: dict[str, Spellings] = field(default_factory=dict)
    pinyins: PackedTable = field(default_factory=lambda: PackedTable({}))
    inits: PackedTable = field(default_factory=lambda: PackedTable({}))
    variants: PackedTable = field(default_factory=lambda: PackedTable({}))
    """wildcard key -> stems"""


def _wild(s: str) -> list[str]:
    return [s[:i] + "\0" + s[i + 1:] for i in range(len(s))]


def _packed(table: dict[str, list[str]]) -> dict[str, Spellings]:
    return {k: v[0] if len(v) == 1 else tuple(v) for k, v in table.items()}


def _each(found: Spellings | None) -> tuple[str, ...]:
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else found


def search_index(net: Network) -> SearchIndex:
    """The search index of a network, built once (one pass over every name and alias) and
    kept with it (and its snapshot)."""
    return net.cache.index("search index", lambda: _build_index(net))


def _build_index(net: Network) -> SearchIndex:
    stems: dict[str, list[str]] = defaultdict(list)
    pinyins: dict[str, list[str]] = defaultdict(list)
    inits: dict[str, list[str]] = defaultdict(list)
    variants: dict[str, list[str]] = defaultdict(list)
    stem_keys: dict[str, tuple[str, str]] = {}  # stem -> its pinyin and initials, once each
    for spelling, ids in net.index.by_name.items():
        if not ids:
            continue
        st = stem(spelling)
        # a name's pinyin was worked out when its node was built: only aliases and stems
        # (a name without its suffix) are segmented here
        a = net.graph._node.get(ids[0], {})
        own = ((a["pinyin"], a["initials"]) if a.get("name") == spelling and "pinyin" in a
               and "initials" in a else pinyin_and_initials(spelling))
        if st not in stems:  # a new stem: its variants and (unless it is the spelling) pinyin
            for key in (_wild(st) if len(st) >= 2 else ()):
                variants[key].append(st)
            stem_keys[st] = own if st == spelling else pinyin_and_initials(st)
        stems[st].append(spelling)
        py, ini = own
        pinyins[py].append(spelling)
        inits[ini].append(spelling)
        spy, sini = stem_keys[st]
        if spy != py:
            pinyins[spy].append(spelling)
        if sini != ini:
            inits[sini].append(spelling)
    return SearchIndex(_packed(stems), PackedTable(_packed(pinyins)),
                       PackedTable(_packed(inits)), PackedTable(_packed(variants)))


def _township(net: Network, township: str | None) -> str | None:
    if township is None:
        return None
    town_kind = net.schema.kind("township")
    try:
        node = net.resolve(township)
    except UnknownEntity:
        hits = {n for m in _each(search_index(net).stems.get(stem(simplified(township))))
                for n in net.index.by_name.get(m, ()) if net.graph.nodes[n]["kind"] == town_kind}
        if len(hits) != 1:
            raise
        node = hits.pop()
    if net.graph.nodes[node]["kind"] != town_kind:
        raise InvalidQuery(f"'{township}' is a {net.graph.nodes[node]['kind']}, not a "
                           f"{town_kind or 'township'}")
    return node


def _candidates(net: Network, text: str, variants: bool = False) -> list[tuple[str, str, str]]:
    """(id, reason, matched spelling) for every way `text` matches, strongest reasons first;
    with `variants`, only the one-character variants (the weakest reason)."""
    idx = search_index(net)
    by_name = net.index.by_name

    def hits(spellings: Iterable[str]) -> list[Hit]:
        return sorted({(n, m) for m in spellings for n in by_name.get(m, ())})

    out: list[tuple[str, str, str]] = []
    st = stem(text)
    if variants:
        if not LATIN.match(text.lower()) and len(st) >= 2:
            for key in _wild(st):
                near = [m for other in _each(idx.variants.get(key)) if other != st
                        for m in _each(idx.stems.get(other))]
                out += [(n, "variant", m) for n, m in hits(near)]
        return out
    if text in net.graph:
        out.append((text, "code" if text.isdigit() else "id", text))
    for node in by_name.get(text, []):
        out.append((node, "name" if net.index.names[node] == text else "alias", text))
    out += [(n, "suffix", m) for n, m in hits(_each(idx.stems.get(st)))]
    if LATIN.match(text.lower()):
        latin = text.lower().replace(" ", "").replace("'", "")
        out += [(n, "pinyin", m) for n, m in hits(_each(idx.pinyins.get(latin)))]
        out += [(n, "initials", m) for n, m in hits(_each(idx.inits.get(latin)))]
    return out


def _explain(reason: str, text: str, matched: str, trad: bool) -> str:
    why = {
        "code": "the official code", "id": "the entity id", "name": "the official name",
        "alias": f"a recorded alias '{matched}'",
        "suffix": f"the same name as '{matched}' without its suffix (村/村委会/镇/地区...)",
        "pinyin": f"the pinyin of '{matched}'", "initials": f"the pinyin initials of '{matched}'",
        "variant": f"one character different from '{matched}'",
    }[reason]
    return f"'{text}' is {why}" + (" after turning traditional characters simplified"
                                   if trad else "")


def search(net: Network, text: str, township: str | None = None, limit: int = 10) -> SearchResult:
    """Entities a text may name, each with why it matched and how well; ambiguity is shown."""
    if not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    raw = (text or "").strip()
    if not raw:
        raise InvalidQuery("search needs a text: a code, name, alias, pinyin or initials")
    town = _township(net, township)
    simple = simplified(raw)
    best: dict[str, tuple[float, str, str, bool]] = {}
    tries = [(raw, False)] + ([(simple, True)] if simple != raw else [])
    nodes = net.graph._node  # the attribute dicts themselves: thousands are looked at
    # one-character variants score below every other reason: they are looked for only when
    # the other reasons found fewer than `limit` entities (a common two-character stem has
    # thousands of variants across the country)
    for variants in (False, True):
        if variants and len(best) >= limit:
            break
        for form, trad in tries:
            scores = _TRAD_SCORES if trad else SCORES
            for node, reason, matched in _candidates(net, form, variants):
                if town is not None and node != town and nodes[node].get("township") != town:
                    continue
                score = scores[reason]
                found = best.get(node)
                if found is None or found[0] < score:
                    best[node] = (score, reason, matched, trad)
    # only the first MAX_CANDIDATES (or `limit`) of the order can be shown: common initials
    # match thousands of villages, which need not all be sorted
    ranked = heapq.nsmallest(max(limit, MAX_CANDIDATES), best, key=lambda n: (
        -best[n][0], nodes[n].get("township") or "", n))
    ambiguous = len(ranked) > 1 and best[ranked[0]][0] == best[ranked[1]][0]
    top = best[ranked[0]][0] if ranked else 0.0
    if ambiguous:  # every equally good candidate, not a guess (up to MAX_CANDIDATES)
        ties = sum(1 for n in ranked[:MAX_CANDIDATES] if best[n][0] == top)
        chosen = ranked[:max(limit, ties)]
    else:
        chosen = ranked[:limit]
    data = []
    for node in chosen:
        score, reason, matched, trad = best[node]
        data.append(Match(entity=eref(net, node), score=score,
                          reason="traditional" if trad and reason == "name" else reason,
                          matched=matched, explanation=_explain(reason, raw, matched, trad)))
    return SearchResult(text=raw, township=town, ambiguous=ambiguous, data=data, count=len(data))
