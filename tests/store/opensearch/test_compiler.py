"""The exact DSL the OpenSearch compiler emits for representative queries (no node needed)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from loupe_core.errors import InvalidQuery
from loupe_core.mapping import load_index_definition
from loupe_core.principal import Principal, Role
from loupe_core.query import FacetName, Filters, Query, SearchMode, SortOrder, VectorField
from loupe_core.schema import LicenseState
from loupe_core.settings import REPO_ROOT
from loupe_core.store.opensearch.compiler import (
    facet_request,
    fused_page_request,
    fused_set,
    list_requests,
    ranked_request,
)
from loupe_core.store.opensearch.filters import compile_filters
from loupe_core.store.opensearch.fulltext import keyword_clause
from loupe_core.store.opensearch.search_schema import SearchSchema

TODAY = date(2026, 6, 1)
# The real mapping, with 3-d vectors so that vector DSL stays readable.
SCHEMA = dataclasses.replace(
    SearchSchema.from_definition(load_index_definition(REPO_ROOT / "mappings", "assets")),
    vector_dimensions={"image_vector": 3, "text_vector": 3},
)
PREFIX_FIELDS = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
WEIGHTED_FIELDS = ["title^8", "tags^4", "description^2", "ocr_text^1.5", "filename^1"]
SOURCE = {"excludes": ["image_vector", "text_vector"]}
HIGHLIGHT_FIELDS = {
    "title": {"number_of_fragments": 0},
    "description": {"number_of_fragments": 0},
    "tags": {"number_of_fragments": 0},
    "ocr_text": {"number_of_fragments": 0},
}


def keyword_dsl(text: str) -> dict[str, object]:
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "fields": WEIGHTED_FIELDS,
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "max_expansions": 8,
                        "operator": "or",
                    }
                },
                {"multi_match": {"query": text, "type": "bool_prefix", "fields": PREFIX_FIELDS}},
            ],
            "minimum_should_match": 1,
        }
    }


def highlight_dsl(text: str) -> dict[str, object]:
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fields": HIGHLIGHT_FIELDS,
        "highlight_query": {
            "bool": {
                "should": [
                    keyword_dsl(text),
                    {
                        "multi_match": {
                            "query": text,
                            "type": "bool_prefix",
                            "fields": ["title", "description", "tags", "ocr_text"],
                        }
                    },
                ],
                "minimum_should_match": 1,
            }
        },
    }


def compiled(query: Query) -> dict[str, object]:
    visibility = query.principal.visibility() if query.principal else None
    filters = compile_filters(query.filters, visibility, TODAY, query.expiring_days)
    keyword = keyword_clause(query.text, SCHEMA) if query.uses_keyword else None
    return ranked_request(query, SCHEMA, keyword, filters)


def facets_beside(query: Query) -> dict[str, object]:
    """The facet request sent beside `compiled(query)`: the same matching documents, no hits."""
    return facet_request(query, SCHEMA, compiled(query)["query"], TODAY)


def test_schema_comes_from_the_mapping() -> None:
    real = SearchSchema.from_definition(load_index_definition(REPO_ROOT / "mappings", "assets"))
    assert real.weights == {"title": 8.0, "tags": 4.0, "description": 2.0, "ocr_text": 1.5, "filename": 1.0}
    assert real.prefix_fields == tuple(PREFIX_FIELDS)
    assert real.vector_dimensions == {"image_vector": 512, "text_vector": 384}
    assert real.max_result_window == 10_000


def test_keyword_with_filters_and_facets() -> None:
    query = Query(
        text="red apple",
        mode=SearchMode.keyword,
        filters=Filters(taxonomy=("Food",), tags=("fruit", "red"), status=("approved",)),
        facets=(FacetName.taxonomy, FacetName.tags),
        page=2,
        size=10,
        today=TODAY,
    )
    matching = {
        "bool": {
            "must": [keyword_dsl("red apple")],
            "filter": [
                {"terms": {"taxonomy.tree": ["Food"]}},
                {"term": {"tags.keyword": "fruit"}},
                {"term": {"tags.keyword": "red"}},
                {"terms": {"status": ["approved"]}},
            ],
        }
    }
    assert compiled(query) == {
        "query": matching,
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "from": 10,
        "size": 10,
        "track_total_hits": True,
        "_source": SOURCE,
        "highlight": highlight_dsl("red apple"),
    }
    assert facets_beside(query) == {
        "query": matching,
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "taxonomy": {
                "terms": {"field": "taxonomy.tree", "size": 50, "order": [{"_count": "desc"}, {"_key": "asc"}]}
            },
            "tags": {"terms": {"field": "tags.keyword", "size": 50, "order": [{"_count": "desc"}, {"_key": "asc"}]}},
        },
    }


def test_browse_with_license_ranges_and_dates() -> None:
    query = Query(
        filters=Filters(
            license=(LicenseState.expiring, LicenseState.none),
            created_from=date(2024, 3, 1),
            created_to=date(2024, 6, 1),
        ),
        facets=(FacetName.license,),
        sort=SortOrder.newest,
        today=TODAY,
        expiring_days=30,
    )
    body = compiled(query)
    assert body["query"] == {
        "bool": {
            "filter": [
                {
                    "bool": {
                        "should": [
                            {"range": {"license_expires": {"gte": "2026-06-01", "lte": "2026-07-01"}}},
                            {"bool": {"must_not": [{"exists": {"field": "license_expires"}}]}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
                {"range": {"created_at": {"gte": "2024-03-01", "lt": "2024-06-02"}}},
            ]
        }
    }
    assert body["sort"] == [{"created_at": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]
    assert facets_beside(query)["aggs"] == {
        "license": {
            "filters": {
                "filters": {
                    "none": {"bool": {"must_not": [{"exists": {"field": "license_expires"}}]}},
                    "valid": {"range": {"license_expires": {"gt": "2026-07-01"}}},
                    "expiring": {"range": {"license_expires": {"gte": "2026-06-01", "lte": "2026-07-01"}}},
                    "expired": {"range": {"license_expires": {"lt": "2026-06-01"}}},
                }
            }
        }
    }
    assert "highlight" not in body


def test_visibility_is_compiled_into_the_filter() -> None:
    viewer = Principal(user_id="zoe", role=Role.viewer, groups=frozenset({"science", "brand"}))
    filters = compile_filters(Filters(ids=("a", "b"), exclude_ids=("c",)), viewer.visibility(), TODAY, 30)
    assert filters == [
        {"terms": {"id": ["a", "b"]}},
        {"bool": {"must_not": [{"terms": {"id": ["c"]}}]}},
        {
            "bool": {
                "should": [
                    {"term": {"owner": "zoe"}},
                    {
                        "bool": {
                            "filter": [{"terms": {"groups": ["brand", "science"]}}],
                            "must_not": [{"terms": {"status": ["draft"]}}],
                        }
                    },
                ],
                "minimum_should_match": 1,
                "must_not": [{"terms": {"status": ["archived", "retired"]}}],
            }
        },
    ]
    librarian = Principal(user_id="lib", role=Role.librarian)
    assert compile_filters(Filters(), librarian.visibility(), TODAY, 30) == []


def test_hybrid_lists_put_the_filter_inside_knn() -> None:
    query = Query(
        text="rocket",
        mode=SearchMode.hybrid,
        vectors={VectorField.image: [3.0, 0.0, 4.0]},
        filters=Filters(owner=("dave",)),
        knn_k=20,
        size=10,
        today=TODAY,
    )
    filters = compile_filters(query.filters, None, TODAY, 30)
    keyword = keyword_clause(query.text, SCHEMA)
    assert list_requests(query, SCHEMA, keyword, filters) == [
        {
            "size": 20,
            "_source": False,
            "track_total_hits": False,
            "query": {
                "knn": {
                    "image_vector": {
                        "vector": pytest.approx([0.6, 0.0, 0.8]),
                        "k": 20,
                        "method_parameters": {"ef_search": 100},
                        "filter": {"bool": {"filter": [{"terms": {"owner": ["dave"]}}]}},
                    }
                }
            },
        },
        {
            "size": 20,
            "_source": False,
            "track_total_hits": False,
            "query": {"bool": {"must": [keyword_dsl("rocket")], "filter": [{"terms": {"owner": ["dave"]}}]}},
            "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        },
    ]


def test_a_fused_page_reads_its_documents_and_facets_count_the_whole_fused_set() -> None:
    query = Query(mode=SearchMode.semantic, vectors={VectorField.text: [1.0, 0.0, 0.0]}, facets=(), size=2)
    owner = [{"terms": {"owner": ["dave"]}}]
    body = fused_page_request(query, SCHEMA, ["b", "a", "c"], ["b", "a"], None, owner)
    assert body == {
        "query": {"bool": {"filter": [{"terms": {"id": ["b", "a"]}}, *owner]}},
        "track_total_hits": False,
        "_source": SOURCE,
        "size": 2,
    }
    faceted = query.model_copy(update={"facets": (FacetName.owner,)})
    facets = facet_request(faceted, SCHEMA, fused_set(["b", "a", "c"], owner), TODAY)
    assert facets["query"] == {"bool": {"filter": [{"terms": {"id": ["b", "a", "c"]}}, *owner]}}
    assert (facets["size"], list(facets["aggs"])) == (0, ["owner"])


def test_a_fused_page_in_another_order_is_sorted_and_paged_by_the_cluster() -> None:
    query = Query(mode=SearchMode.semantic, vectors={VectorField.text: [1.0, 0.0, 0.0]}, sort=SortOrder.newest)
    body = fused_page_request(query, SCHEMA, ["b", "a", "c"], ["b"], None, [])
    assert body["query"] == {"bool": {"filter": [{"terms": {"id": ["b", "a", "c"]}}]}}
    assert (body["from"], body["size"]) == (0, query.size)
    assert body["sort"][0] == {"created_at": {"order": "desc", "missing": "_last"}}


@pytest.mark.parametrize("text", ['"unbalanced', "title:cat AND", "'; DROP TABLE assets; --", "NEAR(cat dog)"])
def test_user_text_only_reaches_multi_match(text: str) -> None:
    clause = keyword_clause(text, SCHEMA)
    assert clause == keyword_dsl(text)
    assert "query_string" not in repr(clause)


def test_text_without_words_browses() -> None:
    assert keyword_clause("*", SCHEMA) is None
    assert compiled(Query(text="((", mode=SearchMode.keyword, facets=()))["sort"][0] == {
        "indexed_at": {"order": "desc", "missing": "_last"}
    }


def test_long_text_is_cut_to_stay_under_the_clause_limit() -> None:
    text = " ".join(f"w{i}" for i in range(40))
    assert keyword_clause(text, SCHEMA) == keyword_dsl(" ".join(f"w{i}" for i in range(24)))


@pytest.mark.parametrize(
    "query",
    [
        Query(page=500, size=24),
        Query(mode=SearchMode.semantic, vectors={VectorField.image: [1.0, 0.0, 0.0]}, knn_k=100, page=500, size=24),
    ],
)
def test_pages_past_the_result_window_are_invalid(query: Query) -> None:
    with pytest.raises(InvalidQuery):
        if query.uses_vectors:
            list_requests(query, SCHEMA, None, [])
        else:
            compiled(query)


@pytest.mark.parametrize("vector", [[0.0, 0.0, 0.0], [1.0, 2.0], [float("nan"), 1.0, 1.0]])
def test_bad_query_vectors_are_invalid(vector: list[float]) -> None:
    query = Query(mode=SearchMode.semantic, vectors={VectorField.image: vector})
    with pytest.raises(InvalidQuery):
        list_requests(query, SCHEMA, None, [])
