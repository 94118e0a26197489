"""The analyst's questions: pure functions of a :class:`graphsvc.Network` returning pydantic models.

>>> import graphsvc
>>> from graphsvc.queries import search
>>> search(graphsvc.load(), "hsd").data[0].entity.name
'黄山店村'
"""

from __future__ import annotations

from graphsvc.queries.common import EntityRef, EvidenceItem, PathEdge, PathOut, StatusOut
from graphsvc.queries.coverage import (
    CoverageResult,
    CoverageRow,
    ModelCoverage,
    Outcome,
    OutcomesResult,
    OutcomeTotal,
    coverage,
    outcomes,
)
from graphsvc.queries.entities import (
    EntityDetail,
    EntityList,
    EntitySummary,
    entities,
    entity,
)
from graphsvc.queries.linked import (
    Gap,
    GapsResult,
    GapSummary,
    WeakLink,
    WeakLinkedResult,
    gaps,
    weak_linked,
)
from graphsvc.queries.metrics import (
    CommunitiesResult,
    Community,
    CommunityResult,
    MetricRow,
    MetricsResult,
    OfficialMatch,
    communities,
    community,
    metrics,
)
from graphsvc.queries.paths import (
    CommonNeighbor,
    CommonNeighborsResult,
    Neighbor,
    NeighborsResult,
    PathsResult,
    common_neighbors,
    neighbors,
    paths,
)
from graphsvc.queries.recommend import (
    PRINCIPLES,
    Candidate,
    PrincipleScore,
    RecommendResult,
    recommend,
)
from graphsvc.queries.search import Match, SearchResult, search
from graphsvc.queries.structure import (
    GroupMetrics,
    GroupMetricsResult,
    Member,
    MembersResult,
    TreeNode,
    TreeResult,
    group_metrics,
    members,
    tree,
)
from graphsvc.queries.view import ViewEdge, ViewNode, ViewResult, ViewRow, view

__all__ = [
    "PRINCIPLES",
    "Candidate",
    "CommonNeighbor",
    "CommonNeighborsResult",
    "CommunitiesResult",
    "Community",
    "CommunityResult",
    "CoverageResult",
    "CoverageRow",
    "EntityDetail",
    "EntityList",
    "EntityRef",
    "EntitySummary",
    "EvidenceItem",
    "Gap",
    "GapSummary",
    "GapsResult",
    "GroupMetrics",
    "GroupMetricsResult",
    "Match",
    "Member",
    "MembersResult",
    "MetricRow",
    "MetricsResult",
    "ModelCoverage",
    "Neighbor",
    "NeighborsResult",
    "OfficialMatch",
    "Outcome",
    "OutcomeTotal",
    "OutcomesResult",
    "PathEdge",
    "PathOut",
    "PathsResult",
    "PrincipleScore",
    "RecommendResult",
    "SearchResult",
    "StatusOut",
    "TreeNode",
    "TreeResult",
    "ViewEdge",
    "ViewNode",
    "ViewResult",
    "ViewRow",
    "WeakLink",
    "WeakLinkedResult",
    "common_neighbors",
    "communities",
    "community",
    "coverage",
    "entities",
    "entity",
    "gaps",
    "group_metrics",
    "members",
    "metrics",
    "neighbors",
    "outcomes",
    "paths",
    "recommend",
    "search",
    "tree",
    "view",
    "weak_linked",
]
