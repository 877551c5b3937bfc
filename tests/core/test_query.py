"""The query model validates and normalises what callers send, before any backend sees it."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from loupe_core.query import KEYWORD_LIST, Filters, FusionMethod, ListEvidence, Query, SearchMode, VectorField
from loupe_core.store.fusion import RankedList, fuse


def test_defaults_are_hybrid_first_page() -> None:
    query = Query()
    assert (query.mode, query.page, query.offset, query.uses_keyword, query.uses_vectors) == (
        SearchMode.hybrid,
        1,
        0,
        False,
        False,
    )


def test_text_is_stripped_of_control_characters() -> None:
    assert Query(text=" cat\x00\x1b[31m  dog\n").text == "cat [31m dog"


def test_keyword_and_vector_use_depend_on_mode() -> None:
    vectors = {VectorField.image: [1.0, 0.0]}
    assert Query(text="cat", mode=SearchMode.semantic, vectors=vectors).uses_keyword is False
    assert Query(text="cat", mode=SearchMode.keyword, vectors=vectors).uses_vectors is False
    hybrid = Query(text="cat", vectors=vectors)
    assert hybrid.uses_keyword and hybrid.uses_vectors


def test_vector_k_covers_the_requested_page() -> None:
    assert Query(knn_k=10, page=3, size=24).vector_k == 72
    assert Query(knn_k=100, page=1, size=24).vector_k == 100


@pytest.mark.parametrize(
    "kwargs",
    [{"page": 0}, {"size": -1}, {"text": "x" * 1001}, {"mode": "fuzzy"}, {"unknown": 1}],
)
def test_invalid_queries_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Query(**kwargs)  # type: ignore[arg-type]


def test_filters_normalise_taxonomy_and_check_date_order() -> None:
    assert Filters(taxonomy=(" Food / Fruit ", "")).taxonomy == ("Food/Fruit",)
    with pytest.raises(ValidationError):
        Filters(created_from=date(2025, 2, 1), created_to=date(2025, 1, 1))


def rrf(*lists: list[str]) -> list[tuple[str, float]]:
    return [(h.id, h.score) for h in fuse([RankedList(str(i), [(d, 0.0) for d in ids]) for i, ids in enumerate(lists)])]


def test_rrf_sums_reciprocal_ranks_and_breaks_ties_by_id() -> None:
    fused = rrf(["a", "b", "c"], ["c", "b", "d"])
    scores = dict(fused)
    assert scores["b"] == pytest.approx(2 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert [doc for doc, _ in fused] == ["c", "b", "a", "d"]
    assert rrf(["y"], ["x"]) == [("x", 1 / 61), ("y", 1 / 61)]


def test_a_floor_cuts_a_vector_list_but_its_entries_stay_evidence() -> None:
    keyword = RankedList(KEYWORD_LIST, [("k", 12.0), ("v", 6.0)])
    vector = RankedList("text_vector", [("v", 0.9), ("w", 0.5), ("k", 0.2)], floor=0.4)
    fused = fuse([vector, keyword])
    assert [h.id for h in fused] == ["v", "k", "w"]
    k = next(h for h in fused if h.id == "k")
    assert k.evidence["text_vector"] == ListEvidence(rank=3, score=0.2, cleared_floor=False)
    assert fuse([RankedList("text_vector", [("w", 0.3)], floor=0.4)]) == []


def test_score_fusion_normalises_bm25_and_cosine_above_the_floor() -> None:
    keyword = RankedList(KEYWORD_LIST, [("k", 10.0), ("j", 5.0)])
    vector = RankedList("image_vector", [("v", 0.7), ("j", 0.55)], floor=0.4)
    scores = {h.id: h.score for h in fuse([keyword, vector], FusionMethod.scores, keyword_weight=2.0)}
    assert scores == pytest.approx({"k": 2.0, "j": 1.0 + 0.25, "v": 0.5})
