"""The analyst's queries: the same options and answers as `graphsvc query ...` (cached per
data version; plain `def` handlers so heavy ones run in the thread pool)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter

from graphsvc import queries as q
from graphsvc.api.cache import memo
from graphsvc.api.deps import NetDep, WeightsDep
from graphsvc.api.params import query_param as P
from graphsvc.queries.registry import split

router = APIRouter(tags=["queries"])

Year = Annotated[int | None, P("gaps", "year")]
Township = Annotated[str | None, P("gaps", "township")]
Models = Annotated[list[str] | None, P("weak-linked", "models")]
Limit = Annotated[int, P("gaps", "limit")]
Offset = Annotated[int, P("gaps", "offset")]


@router.get("/queries/weak-linked", operation_id="weakLinked",
            response_model=q.WeakLinkedResult,
            summary="weak villages linked to a strong entity")
def weak_linked(net: NetDep, year: Year = None, model: Models = None,
                max_hops: Annotated[int, P("weak-linked", "max_hops")] = 1,
                township: Township = None,
                limit: Limit = 100, offset: Offset = 0) -> q.WeakLinkedResult:
    """Each weak village with every strong entity it is linked to: via, model, path, evidence.

    Paged: `total` counts every link, `data` holds `limit` of them from `offset`.
    """
    return memo(net, q.weak_linked, year=year, models=split(model), max_hops=max_hops,
                township=township, limit=limit, offset=offset)


@router.get("/queries/gaps", operation_id="gaps",
            response_model=q.GapsResult, summary="what is missing")
def gaps(net: NetDep, year: Year = None, township: Township = None, limit: Limit = 100,
         offset: Offset = 0) -> q.GapsResult:
    """Weak villages without a strong link, villages in no joint organisation, and more.

    Paged: `total` counts every gap, `data` holds `limit` of them from `offset`; `summary`
    holds the townships of the page, then the total row (district or township).
    """
    return memo(net, q.gaps, year=year, township=township, limit=limit, offset=offset)


@router.get("/queries/group-metrics", operation_id="groupMetrics",
            response_model=q.GroupMetricsResult,
            summary="metrics of every joint organisation")
def group_metrics(net: NetDep, year: Year = None, limit: Limit = 100,
                  offset: Offset = 0) -> q.GroupMetricsResult:
    """Members by kind, strong/weak mix and townships spanned of each joint organisation.

    Paged: `total` counts every organisation, `data` holds `limit` of them from `offset`.
    """
    return memo(net, q.group_metrics, year=year, limit=limit, offset=offset)


@router.get("/coverage", operation_id="coverage",
            response_model=q.CoverageResult, summary="coverage and completeness")
def coverage(net: NetDep, year: Year = None, limit: Limit = 100,
             offset: Offset = 0) -> q.CoverageResult:
    """By township and by model: villages in joint organisations, statuses, declared members.

    Paged by township: `total` townships, `by_township` holds `limit` of them from `offset`;
    the district row and the rows by model are on every page.
    """
    return memo(net, q.coverage, year=year, limit=limit, offset=offset)


@router.get("/outcomes", operation_id="outcomes",
            response_model=q.OutcomesResult, summary="outcomes by model")
def outcomes(net: NetDep, year: Year = None,
             model: Annotated[str | None, P("outcomes", "model")] = None,
             limit: Limit = 100, offset: Offset = 0) -> q.OutcomesResult:
    """The indicators the sources give, per model, organisation and year, with sources.

    Paged: `total` counts every indicator, `data` holds `limit` of them from `offset`; the
    totals by model (over every indicator) are on every page.
    """
    return memo(net, q.outcomes, year=year, model=model, limit=limit, offset=offset)


@router.get("/metrics", operation_id="metrics",
            response_model=q.MetricsResult, summary="network metrics")
def metrics(net: NetDep, top: Annotated[int, P("metrics", "top")] = 20) -> q.MetricsResult:
    """Most connected (degree), bridges (betweenness) and PageRank, top N of each."""
    return memo(net, q.metrics, top=top)


@router.get("/communities", operation_id="communities",
            response_model=q.CommunitiesResult, summary="communities")
def communities(net: NetDep, limit: Limit = 100, offset: Offset = 0,
                members_limit: Annotated[int, P("communities", "members_limit")] = 20,
                ) -> q.CommunitiesResult:
    """Louvain communities (seeded), named and compared with the official organisations.

    Paged, largest first: `total` communities, `data` holds `limit` of them from `offset`.
    Each community shows its first `members_limit` members (the hub first); `member_count`
    counts them all, and `/v1/communities/{id}` pages through them.
    """
    return memo(net, q.communities, limit=limit, offset=offset, members_limit=members_limit)


@router.get("/communities/{id}", operation_id="community",
            response_model=q.CommunityResult, summary="one community whole")
def community(net: NetDep, id: int, limit: Limit = 100, offset: Offset = 0) -> q.CommunityResult:
    """One community of `/v1/communities` (by its `id`) with every member, paged: `total`
    members, `data` holds `limit` of them from `offset` (the hub first, then by id).

    An id the list does not have is a 404 saying which ids there are.
    """
    return memo(net, q.community, id=id, limit=limit, offset=offset)


@router.get("/entities/{ref}/recommendations", operation_id="recommendations",
            response_model=q.RecommendResult,
            summary="pairing advice for a village")
def recommendations(net: NetDep, ref: str, weights: WeightsDep, year: Year = None,
                    limit: Annotated[int, P("recommend", "limit")] = 10,
                    scope: Literal["township", "district"] = "township") -> q.RecommendResult:
    """Candidate partners ranked by the five principles, each scored and explained."""
    return memo(net, q.recommend, ref=ref, limit=limit, weights=weights, year=year, scope=scope)


@router.get("/entities/{ref}/tree", operation_id="tree",
            response_model=q.TreeResult, summary="organisation tree")
def tree(net: NetDep, ref: str,
         depth: Annotated[int | None, P("tree", "depth")] = None) -> q.TreeResult:
    """The organisation tree below an entity (district, township, committee, villages...)."""
    return memo(net, q.tree, ref=ref, depth=depth)


@router.get("/organisations/{ref}/members", operation_id="members",
            response_model=q.MembersResult,
            summary="members of a joint organisation")
def members(net: NetDep, ref: str, year: Year = None) -> q.MembersResult:
    """The members with their roles and statuses, and the group's metrics."""
    return q.members(net, ref, year=year)
