"""Compiles a `Query` into OpenSearch request bodies (pure functions, no I/O).

Three shapes of request:
- ranked: keyword (BM25 + typo tolerance + as-you-type prefixes, facets counted in the same
  request) or browse, with highlights, paged by the cluster;
- vector lists: one filtered k-NN list per query vector (plus the keyword list in hybrid
  mode), ids only, to be fused client-side by reciprocal rank (no neural-search plugin);
- fused page: the documents of one page of the fused id set;
- facets: counts over what browsing or the fused set matches, with no hits, sent in the same
  `_msearch` as the hits and kept by the shard request cache.
"""

from __future__ import annotations

from datetime import date

from loupe_core.errors import InvalidQuery
from loupe_core.query import FacetName, Query, SearchMode, SortOrder
from loupe_core.schema import LicenseState
from loupe_core.store.opensearch.documents import checked_vector
from loupe_core.store.opensearch.filters import Clause, license_clause
from loupe_core.store.opensearch.fulltext import highlight_clause, highlight_spec
from loupe_core.store.opensearch.search_schema import SearchSchema

FACET_LIMIT = 50
# Sort keys as (field, order); missing values sort last, ties by id, as in the embedded store.
_SORT_KEYS: dict[SortOrder, tuple[str, str]] = {
    SortOrder.newest: ("created_at", "desc"),
    SortOrder.oldest: ("created_at", "asc"),
    SortOrder.title: ("title.keyword", "asc"),
}
_BROWSE_KEY = ("indexed_at", "desc")


def bool_query(must: Clause | None, filters: list[Clause]) -> Clause:
    if must is None and not filters:
        return {"match_all": {}}
    body: Clause = {}
    if must is not None:
        body["must"] = [must]
    if filters:
        body["filter"] = filters
    return {"bool": body}


def sort_clause(sort: SortOrder, by_score: bool) -> list[Clause]:
    """Relevance means score (ties by id) with text, newest-indexed first without it."""
    if sort is SortOrder.relevance and by_score:
        first: Clause = {"_score": {"order": "desc"}}
    else:
        field, order = _SORT_KEYS.get(sort, _BROWSE_KEY)
        first = {field: {"order": order, "missing": "_last"}}
    return [first, {"id": {"order": "asc"}}]


def facet_aggs(facets: tuple[FacetName, ...], schema: SearchSchema, today: date, expiring_days: int) -> Clause:
    aggs: Clause = {}
    for facet in facets:
        if facet is FacetName.license:
            states = {state.value: license_clause(state, today, expiring_days) for state in LicenseState}
            aggs[facet.value] = {"filters": {"filters": states}}
        else:
            aggs[facet.value] = {
                "terms": {
                    "field": schema.facet_fields[facet.value],
                    "size": FACET_LIMIT,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
    return aggs


def _check_window(last: int, schema: SearchSchema) -> None:
    if last > schema.max_result_window:
        raise InvalidQuery(f"results past the first {schema.max_result_window} cannot be paged to; narrow the search")


def facet_request(query: Query, schema: SearchSchema, matching: Clause, today: date) -> Clause:
    """The facet counts over what `matching` selects, as a request of their own with no hits.

    Sent beside the hits in one `_msearch`, so the node computes both at once; and a request with
    no hits is one the shard request cache keeps (until the next refresh changes the shard), so
    the same facets again (the next page, browsing back, the same filters) are read, not counted.
    """
    return {
        "query": matching,
        "size": 0,
        "track_total_hits": False,
        "aggs": facet_aggs(query.facets, schema, today, query.expiring_days),
    }


def ranked_request(query: Query, schema: SearchSchema, keyword: Clause | None, filters: list[Clause]) -> Clause:
    """Keyword (when `keyword` is given) or browse: total, page and highlights (facets are added by the caller)."""
    _check_window(query.offset + query.size, schema)
    body: Clause = {
        "query": bool_query(keyword, filters),
        "sort": sort_clause(query.sort, keyword is not None),
        "from": query.offset,
        "size": query.size,
        "track_total_hits": True,
        "_source": schema.source_without_vectors,
    }
    marked = highlight_clause(query.keyword_text, schema) if keyword is not None else None
    if marked is not None:
        body["highlight"] = highlight_spec(schema, marked)
    return body


def knn_clause(field: str, vector: list[float], k: int, filters: list[Clause], ef_search: int) -> Clause:
    """Filter inside the k-NN clause: Lucene filters during the graph search and still returns k.

    HNSW keeps `ef_search` candidates while it walks the graph, and a list shorter than k cannot
    return k hits, hence the max."""
    spec: Clause = {"vector": vector, "k": k, "method_parameters": {"ef_search": max(k, ef_search)}}
    if filters:
        spec["filter"] = {"bool": {"filter": filters}}
    return {"knn": {field: spec}}


def list_requests(query: Query, schema: SearchSchema, keyword: Clause | None, filters: list[Clause]) -> list[Clause]:
    """The ranked id lists to fuse: one per query vector, plus keyword in hybrid mode."""
    k = query.vector_k
    _check_window(k, schema)
    bodies: list[Clause] = []
    for field, values in query.vectors.items():
        if field.value not in schema.vector_dimensions:
            raise InvalidQuery(f"{field.value} is not a vector field of this index")
        try:
            vector = checked_vector(field.value, values, schema.vector_dimensions[field.value])
        except ValueError as exc:
            raise InvalidQuery(f"query vector: {exc}") from exc
        bodies.append(
            {
                "size": k,
                "_source": False,
                "track_total_hits": False,
                "query": knn_clause(field.value, vector, k, filters, schema.ef_search),
            }
        )
    if keyword is not None and query.mode is SearchMode.hybrid:
        bodies.append(
            {
                "size": k,
                "_source": False,
                "track_total_hits": False,
                "query": bool_query(keyword, filters),
                "sort": sort_clause(SortOrder.relevance, by_score=True),
            }
        )
    return bodies


def fused_set(ids: list[str], filters: list[Clause]) -> Clause:
    """The fused ids that the filters (permissions included) still let through."""
    return bool_query(None, [{"terms": {"id": ids}}, *filters])


def fused_page_request(
    query: Query,
    schema: SearchSchema,
    fused_ids: list[str],
    page_ids: list[str],
    keyword: Clause | None,
    filters: list[Clause],
) -> Clause:
    """The documents of one page of the fused set (its facets: `facet_request` over `fused_set`).

    The filters are applied again so that an asset whose permissions changed between the two
    round trips is never shown. With relevance order the page is already known (fusion
    ranked it) and only its documents are read; other orders are sorted and paged by the cluster.
    """
    shown = page_ids if query.sort is SortOrder.relevance else fused_ids
    body: Clause = {
        "query": fused_set(shown, filters),
        "track_total_hits": False,
        "_source": schema.source_without_vectors,
    }
    if query.sort is SortOrder.relevance:
        body["size"] = len(page_ids)
    else:
        body["sort"] = sort_clause(query.sort, by_score=False)
        body["from"] = query.offset
        body["size"] = query.size
    marked = highlight_clause(query.keyword_text, schema) if keyword is not None else None
    if marked is not None:
        body["highlight"] = highlight_spec(schema, marked)
    return body
