"""Reads OpenSearch responses back into the backend-neutral result types."""

from __future__ import annotations

from typing import Any

from loupe_core.highlight_fragments import fragmented
from loupe_core.query import FacetBucket, FacetName, ListEvidence, SearchHit
from loupe_core.schema import Asset
from loupe_core.store.opensearch.compiler import FACET_LIMIT


def cosine(knn_score: float) -> float:
    """The cosine behind a Lucene `cosinesimil` k-NN score, which is (1 + cosine) / 2."""
    return 2.0 * float(knn_score) - 1.0


def search_hit(
    hit: dict[str, Any],
    score: float,
    highlight_fields: tuple[str, ...],
    evidence: dict[str, ListEvidence] | None = None,
    copies: list[str] | None = None,
) -> SearchHit:
    marked = hit.get("highlight", {})
    highlights = {field: list(marked[field]) for field in highlight_fields if marked.get(field)}
    return SearchHit(
        asset=Asset.model_validate(hit["_source"]),
        score=score,
        highlights=fragmented(highlights),
        evidence=evidence or {},
        copies=copies or [],
    )


def facet_buckets(aggregations: dict[str, Any], facets: tuple[FacetName, ...]) -> dict[FacetName, list[FacetBucket]]:
    """Zero counts dropped; ordered by count desc then value asc, exactly like the embedded store."""
    result: dict[FacetName, list[FacetBucket]] = {}
    for facet in facets:
        buckets = aggregations.get(facet.value, {}).get("buckets", [])
        if isinstance(buckets, dict):  # a `filters` aggregation keys its buckets by name
            pairs = [(name, int(bucket["doc_count"])) for name, bucket in buckets.items()]
        else:
            pairs = [(str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets]
        ordered = sorted((pair for pair in pairs if pair[1]), key=lambda pair: (-pair[1], pair[0]))
        result[facet] = [FacetBucket(value=value, count=count) for value, count in ordered[:FACET_LIMIT]]
    return result
