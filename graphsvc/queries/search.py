"""Search and name resolution: code, name, alias, suffix variants, pinyin, traditional, variants."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel

from graphsvc.errors import InvalidQuery, UnknownEntity
from graphsvc.loader.names import pinyin_and_initials, simplified, stem
from graphsvc.network import Network
from graphsvc.queries.common import EntityRef
from graphsvc.queries.common import ref as eref

SCORES = {"code": 1.0, "id": 1.0, "name": 1.0, "alias": 0.95, "suffix": 0.9,
          "pinyin": 0.8, "initials": 0.7, "variant": 0.6}
TRADITIONAL_FACTOR = 0.98
MAX_CANDIDATES = 200
"""An ambiguous name lists every equally good candidate, up to this many."""
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


@dataclass
class SearchIndex:
    """Lookups by stem, pinyin, initials and one-character wildcard keys (lists of hits)."""

    stems: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    pinyins: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    inits: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    variants: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))




def _wild(s: str) -> list[str]:
    return [s[:i] + "\0" + s[i + 1:] for i in range(len(s))]


def _put(table: dict[str, list[Hit]], key: str, hit: Hit) -> None:
    bucket = table[key]
    if not bucket or bucket[-1] != hit:  # a spelling's hits arrive together
        bucket.append(hit)


def search_index(net: Network) -> SearchIndex:
    """The search index of a network, built once (one pass over every name and alias)."""
    return net.cache.index("search index", lambda: _build_search_index(net))


def _build_search_index(net: Network) -> SearchIndex:
    idx = SearchIndex()
    nodes = net.graph.nodes
    for spelling, ids in net.index.by_name.items():
        st = stem(spelling)
        # a name's pinyin was worked out when its node was built: only aliases and stems
        # (a name without its suffix) are segmented here
        a = nodes[ids[0]] if ids and ids[0] in nodes else {}
        own = ((a["pinyin"], a["initials"]) if a.get("name") == spelling and "pinyin" in a
               and "initials" in a else pinyin_and_initials(spelling))
        keys = [own] if st == spelling else [own, pinyin_and_initials(st)]
        wild = _wild(st) if len(st) >= 2 else []
        for node in ids:
            hit = (node, spelling)
            _put(idx.stems, st, hit)
            for py, ini in keys:
                _put(idx.pinyins, py, hit)
                _put(idx.inits, ini, hit)
            for key in wild:
                _put(idx.variants, key, hit)
    return idx


def _township(net: Network, township: str | None) -> str | None:
    if township is None:
        return None
    town_kind = net.schema.kind("township")
    try:
        node = net.resolve(township)
    except UnknownEntity:
        hits = {n for n, _ in search_index(net).stems.get(stem(simplified(township)), ())
                if net.graph.nodes[n]["kind"] == town_kind}
        if len(hits) != 1:
            raise
        node = hits.pop()
    if net.graph.nodes[node]["kind"] != town_kind:
        raise InvalidQuery(f"'{township}' is a {net.graph.nodes[node]['kind']}, not a "
                           f"{town_kind or 'township'}")
    return node


def _candidates(net: Network, text: str) -> list[tuple[str, str, str]]:
    """(id, reason, matched spelling) for every way `text` matches, strongest reasons first."""
    idx = search_index(net)
    out: list[tuple[str, str, str]] = []
    if text in net.graph:
        out.append((text, "code" if text.isdigit() else "id", text))
    for node in net.index.by_name.get(text, []):
        out.append((node, "name" if net.index.names[node] == text else "alias", text))
    st = stem(text)
    out += [(n, "suffix", m) for n, m in sorted(set(idx.stems.get(st, ())))]
    latin = text.lower().replace(" ", "").replace("'", "")
    if LATIN.match(text.lower()):
        out += [(n, "pinyin", m) for n, m in sorted(set(idx.pinyins.get(latin, ())))]
        out += [(n, "initials", m) for n, m in sorted(set(idx.inits.get(latin, ())))]
    elif len(st) >= 2:
        for key in _wild(st):
            out += [(n, "variant", m) for n, m in sorted(set(idx.variants.get(key, ())))
                    if stem(m) != st]
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
    nodes = net.graph.nodes
    for form, trad in tries:
        for node, reason, matched in _candidates(net, form):
            if town is not None and node != town and nodes[node].get("township") != town:
                continue
            score = round(SCORES[reason] * (TRADITIONAL_FACTOR if trad else 1.0), 3)
            if node not in best or best[node][0] < score:
                best[node] = (score, reason, matched, trad)
    ranked = sorted(best, key=lambda n: (-best[n][0], nodes[n].get("township") or "", n))
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
