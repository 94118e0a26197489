"""Coverage and completeness by township and by model; outcomes (indicators) by model."""

from __future__ import annotations

from collections import Counter, defaultdict

from pydantic import BaseModel

from graphsvc.network import Network
from graphsvc.queries.common import (
    EntityRef,
    check_models,
    check_page,
    check_year,
    indexes,
    is_joint,
    model_label,
    page_of,
    ref,
    status_name,
    whole,
)
from graphsvc.queries.packed import ModelRows


class CoverageRow(BaseModel):
    """Villages of a township (or the district) and how many are in joint organisations.

    `by_model` counts the villages that practise each model: members of one of its joint
    organisations, or villages with a fact tagged with the model (the grid model is recorded as
    declared counts on villages). `membership_not_recorded` names the models with joint
    organisations here whose members no source lists: their 0 means "not recorded", not "none".
    """

    township: EntityRef | None
    villages: int
    in_joint_org: int
    by_model: dict[str, int]
    membership_not_recorded: list[str] = []
    weak: int
    strong: int
    unknown: int
    declared_members: int
    recorded_members: int


class ModelCoverage(BaseModel):
    """The joint organisations of one model: how many, whom they hold, and their statuses."""

    model: str
    label: str
    orgs: int
    villages: int
    """Villages that practise the model: members of its organisations or tagged by a fact."""
    villages_by_membership: int
    villages_by_fact: int
    membership: str
    """"recorded", "partly recorded" (some organisations list no members), "not recorded"
    (none does) or "no organisations" (the model is known only from facts, or not at all)."""
    orgs_without_members: int
    members_by_kind: dict[str, int]
    weak: int
    strong: int
    unknown: int
    declared_members: int
    recorded_members: int


class CoverageResult(BaseModel):
    """Coverage of the district, of each township and of each model.

    `by_township` is paged (`total` townships, `count` on this page from `offset`); the
    district's totals and `by_model` are on every page.
    """

    year: int
    district: CoverageRow
    by_township: list[CoverageRow]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None
    by_model: list[ModelCoverage]


def _org_counts(net: Network, org: str) -> tuple[int, int]:
    """Declared and recorded village members of an org (recorded stands in when none declared)."""
    idx = indexes(net)
    village = net.schema.kind("village")
    recorded = sum(1 for m, _ in idx.members.get(org, [])
                   if net.graph.nodes[m]["kind"] == village)
    key = net.schema.member_count(village) if village is not None else None
    declared = idx.declared.get(org, {}).get(key, recorded) if key else recorded
    return declared, recorded


def _fact_villages(net: Network) -> dict[str, set[str]]:
    """The villages each model is recorded on by a fact tagged with that model."""
    villages = {v for vs in indexes(net).villages.values() for v in vs}
    out: dict[str, set[str]] = defaultdict(set)
    for node, facts in net.facts.items():
        if node in villages:
            for f in facts:
                if f.model:
                    out[f.model].add(node)
    return out


def coverage(net: Network, year: int | None = None, limit: int | None = None,
             offset: int = 0) -> CoverageResult:
    """Villages, joint-org membership and weak/strong/unknown counts by township and model.

    `limit` and `offset` page through the townships (all when `limit` is None); the district
    row and the rows by model are on every page.
    """
    y = check_year(net, year)
    check_page(limit, offset)
    head, townships = whole(net, ("coverage", y), lambda: _coverage(net, y))
    rows = page_of(townships, limit, offset)
    return head.model_copy(update={"by_township": rows, "count": len(rows), "offset": offset,
                                   "limit": limit})


def _coverage(net: Network, y: int) -> tuple[CoverageResult, ModelRows[CoverageRow]]:
    """The whole coverage answer of a year: the answer without its townships' rows, and the
    rows of every township (kept as JSON: 41,352 of them nationally, see `ModelRows`)."""
    idx = indexes(net)
    g = net.graph
    models = check_models(net, None)
    by_fact = _fact_villages(net)
    rows: list[CoverageRow] = []
    orgs_by_town: dict[str, list[str]] = {}  # grouped once, not one pass per township
    for o in idx.joint_orgs:
        orgs_by_town.setdefault(g.nodes[o].get("township") or "", []).append(o)
    for t in idx.townships:
        vills = idx.villages.get(t, [])
        by_model: Counter[str] = Counter()
        inside = 0
        statuses: Counter[str] = Counter()
        for v in vills:
            orgs = [o for o, _ in idx.orgs_of.get(v, []) if is_joint(net, o)]
            inside += bool(orgs)
            practised = {g.nodes[o].get("model") for o in orgs}
            practised.update(m for m in models if v in by_fact.get(m, ()))
            for m in practised:
                if m:
                    by_model[m] += 1
            statuses[status_name(net, v, y)] += 1
        declared = recorded = 0
        unrecorded: set[str] = set()
        for o in orgs_by_town.get(t, []):
            d, r = _org_counts(net, o)
            declared, recorded = declared + d, recorded + r
            if not idx.members.get(o) and g.nodes[o].get("model"):
                unrecorded.add(str(g.nodes[o]["model"]))
        rows.append(CoverageRow(
            township=ref(net, t), villages=len(vills), in_joint_org=inside,
            by_model={m: by_model[m] for m in models},
            membership_not_recorded=[m for m in models if m in unrecorded], weak=statuses["weak"],
            strong=statuses["strong"], unknown=statuses["unknown"],
            declared_members=declared, recorded_members=recorded))
    district = CoverageRow(
        township=None, villages=sum(r.villages for r in rows),
        in_joint_org=sum(r.in_joint_org for r in rows),
        by_model={m: sum(r.by_model[m] for r in rows) for m in models},
        membership_not_recorded=[m for m in models
                                 if any(m in r.membership_not_recorded for r in rows)],
        weak=sum(r.weak for r in rows), strong=sum(r.strong for r in rows),
        unknown=sum(r.unknown for r in rows),
        declared_members=sum(_org_counts(net, o)[0] for o in idx.joint_orgs),
        recorded_members=sum(_org_counts(net, o)[1] for o in idx.joint_orgs))
    head = CoverageResult(year=y, district=district, by_township=[], count=len(rows),
                          total=len(rows), by_model=[_model_row(net, m, y, by_fact.get(m, set()))
                                                     for m in models])
    return head, ModelRows(CoverageRow, rows)


def _membership(orgs: int, without: int) -> str:
    if orgs == 0:
        return "no organisations"
    if without == 0:
        return "recorded"
    return "not recorded" if without == orgs else "partly recorded"


def _model_row(net: Network, model: str, year: int, fact_villages: set[str]) -> ModelCoverage:
    idx = indexes(net)
    g = net.graph
    organisation = net.schema.kind("organisation")
    # a model inside one village (grids) has organisations that are not joint ones
    orgs = [o for o, a in g.nodes(data=True) if a.get("kind") == organisation
            and a.get("model") == model] if not net.schema.joint_model(model) else [
        o for o in idx.joint_orgs if g.nodes[o].get("model") == model]
    kinds: Counter[str] = Counter()
    members: set[str] = set()
    for o in orgs:
        for m, _ in idx.members.get(o, []):
            if m not in members:
                members.add(m)
                kinds[g.nodes[m]["kind"]] += 1
    village = net.schema.kind("village")
    member_villages = {m for m in members if g.nodes[m]["kind"] == village}
    practising = member_villages | fact_villages
    st = Counter(status_name(net, v, year) for v in practising)
    counts = [_org_counts(net, o) for o in orgs]
    without = sum(1 for o in orgs if not idx.members.get(o))
    return ModelCoverage(
        model=model, label=model_label(net, model) or model, orgs=len(orgs),
        villages=len(practising), villages_by_membership=len(member_villages),
        villages_by_fact=len(fact_villages), membership=_membership(len(orgs), without),
        orgs_without_members=without, members_by_kind=dict(sorted(kinds.items())),
        weak=st["weak"], strong=st["strong"], unknown=st["unknown"],
        declared_members=sum(c[0] for c in counts), recorded_members=sum(c[1] for c in counts))


class Outcome(BaseModel):
    """One indicator a source gives, attributed to a model."""

    entity: EntityRef
    model: str | None
    model_label: str | None
    key: str
    value: float | None
    unit: str | None
    qualifier: str | None
    year: int | None
    source: str
    note: str | None


class OutcomeTotal(BaseModel):
    """An indicator summed over the organisations of one model (per unit).

    It counts the entities it sums (`entity_count`) rather than listing them: the totals are
    on every page, and nationally one total sums thousands of entities; the indicators
    themselves, with their entities, are the pages (`model=` narrows them to one model)."""

    model: str | None
    key: str
    unit: str | None
    total: float
    n: int
    years: list[int]
    entity_count: int
    sources: list[str]


class OutcomesResult(BaseModel):
    """Indicators per model, organisation and year, with sources.

    `data` is paged (`total` indicators, `count` on this page from `offset`); the totals by
    model, over every indicator, are on every page.
    """

    year: int | None
    model: str | None
    data: list[Outcome]
    count: int
    total: int
    offset: int = 0
    limit: int | None = None
    by_model: list[OutcomeTotal]


def _fact_model(net: Network, node: str, fact_model: str | None) -> str | None:
    """The model an indicator belongs to: the fact's own, else its entity's (an org's)."""
    if fact_model:
        return fact_model
    m = net.graph.nodes[node].get("model")
    return str(m) if m else None


def outcomes(net: Network, year: int | None = None, model: str | None = None,
             limit: int | None = None, offset: int = 0) -> OutcomesResult:
    """Indicators the sources give (income, jobs, issues solved...) per model, org and year.

    `limit` and `offset` page through the indicators (all when `limit` is None); the totals
    by model count every indicator, on every page.
    """
    if year is not None:
        check_year(net, year)
    if model is not None:
        check_models(net, [model])
    check_page(limit, offset)
    full = whole(net, ("outcomes", year, model), lambda: _outcomes(net, year, model))
    data = page_of(full.data, limit, offset)
    return full.model_copy(update={"data": data, "count": len(data), "offset": offset,
                                   "limit": limit})


def _outcomes(net: Network, year: int | None, model: str | None) -> OutcomesResult:
    """Every indicator of a year and model (None: all), sorted, with the totals by model."""
    data: list[Outcome] = []
    measures = net.schema.measures
    for node in sorted(net.facts):
        for f in net.facts[node]:
            if f.fact not in measures or (year is not None and f.year != year):
                continue
            m = _fact_model(net, node, f.model)
            if model is not None and m != model:
                continue
            data.append(Outcome(entity=ref(net, node), model=m, model_label=model_label(net, m),
                                key=f.key, value=f.value, unit=f.unit, qualifier=f.qualifier,
                                year=f.year, source=f.source, note=f.note))
    order = {m: i for i, m in enumerate(net.schema.model_names)}

    def sort_key(o: Outcome) -> tuple[int, str, int, str]:
        return (order.get(o.model or "", len(order)), o.key, o.year or 0, o.entity.id)

    data.sort(key=sort_key)
    groups: dict[tuple[str | None, str, str | None], list[Outcome]] = defaultdict(list)
    for o in data:
        groups[(o.model, o.key, o.unit)].append(o)
    totals = [OutcomeTotal(
        model=m, key=k, unit=u, total=sum(o.value or 0 for o in os), n=len(os),
        years=sorted({o.year for o in os if o.year is not None}),
        entity_count=len({o.entity.id for o in os}), sources=sorted({o.source for o in os}))
        for (m, k, u), os in groups.items()]
    return OutcomesResult(year=year, model=model, data=data, count=len(data), total=len(data),
                          by_model=totals)


