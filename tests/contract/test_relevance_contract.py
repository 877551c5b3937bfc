"""Relevance floors, capped result sets, per-list evidence and exact totals, on every backend.

Expected answers are computed here from the fixture library's own vectors, so a floor that
let one hit too many (or too few) through, on either backend, fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from loupe_core.principal import Principal, Role
from loupe_core.query import KEYWORD_LIST, FacetName, FusionMethod, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from tests.contract.library import TODAY

Library = tuple[list[Asset], dict[str, np.ndarray]]
SINGLE_VALUED = (FacetName.status, FacetName.file_type, FacetName.orientation, FacetName.license)
VIEWER = Principal(user_id="zoe", role=Role.viewer, groups=frozenset({"brand", "science"}))


def cosines(assets: list[Asset], query: np.ndarray, field: str = "image_vector") -> dict[str, float]:
    q = query / np.linalg.norm(query)
    return {a.id: float(np.asarray(getattr(a, field)) @ q / np.linalg.norm(getattr(a, field))) for a in assets}


def floor_keeping(scores: dict[str, float], count: int) -> float:
    """A floor halfway between the count-th and the next best cosine: far from every value."""
    ordered = sorted(scores.values(), reverse=True)
    return (ordered[count - 1] + ordered[count]) / 2


def search(store: AssetStore, **kwargs: object) -> object:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("size", 100)
    return store.search(Query(**kwargs))  # type: ignore[arg-type]


def test_vector_hits_enter_only_above_the_floor(store: AssetStore, library: Library) -> None:
    centre = library[1]["Animals"]
    scores = cosines(library[0], centre)
    floor = floor_keeping(scores, 7)
    result = search(
        store, mode=SearchMode.semantic, vectors={VectorField.image: centre.tolist()}, floors={VectorField.image: floor}
    )
    expected = [i for i, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0])) if scores[i] >= floor]
    assert [h.asset.id for h in result.hits] == expected
    assert result.total == 7
    assert result.floors == {VectorField.image: floor}


def test_a_query_near_nothing_returns_nothing(store: AssetStore, library: Library) -> None:
    """A direction no asset points to (a nonsense query) with a floor: no hits, no count, no facet."""
    nowhere = np.random.default_rng(99).normal(size=512)
    floor = max(cosines(library[0], nowhere).values()) + 0.05
    result = search(
        store, text="qwxzv", vectors={VectorField.image: nowhere.tolist()}, floors={VectorField.image: floor}
    )
    assert (result.total, result.hits, result.keyword_matches) == (0, [], 0)
    assert all(buckets == [] for buckets in result.facets.values())


def test_keyword_matches_always_enter_a_hybrid_result(store: AssetStore, library: Library) -> None:
    centre = library[1]["Animals"]
    scores = cosines(library[0], centre)
    floor = floor_keeping(scores, 3)
    result = search(
        store, text="coast", vectors={VectorField.image: centre.tolist()}, floors={VectorField.image: floor}
    )
    above = {i for i, s in scores.items() if s >= floor}
    assert {h.asset.id for h in result.hits} == above | {"lighthouse-1", "beach-1"}
    assert result.total == len(above) + 2
    beach = next(h for h in result.hits if h.asset.id == "beach-1")
    assert beach.evidence[KEYWORD_LIST].rank in (1, 2)
    if VectorField.image.value in beach.evidence:  # inside the k-NN window, but it did not vouch
        assert beach.evidence[VectorField.image.value].cleared_floor is False


def test_evidence_carries_each_lists_rank_and_cosine(store: AssetStore, library: Library) -> None:
    centre = library[1]["Space"]
    image_scores = cosines(library[0], centre)
    text_query = np.asarray(next(a for a in library[0] if a.id == "rocket-1").text_vector)
    text_scores = cosines(library[0], text_query, "text_vector")
    result = search(
        store, text="rocket", vectors={VectorField.image: centre.tolist(), VectorField.text: text_query.tolist()}
    )
    image_rank = {i: r for r, (i, _) in enumerate(sorted(image_scores.items(), key=lambda x: (-x[1], x[0])), 1)}
    for hit in result.hits:
        image = hit.evidence[VectorField.image.value]
        assert image.score == pytest.approx(image_scores[hit.asset.id], abs=1e-4)
        assert image.rank == image_rank[hit.asset.id]
        assert hit.evidence[VectorField.text.value].score == pytest.approx(text_scores[hit.asset.id], abs=1e-4)
    rocket = result.hits[0]
    assert rocket.asset.id == "rocket-1" and rocket.evidence[KEYWORD_LIST].rank == 1
    assert rocket.evidence[KEYWORD_LIST].score > 0
    keyword_only = search(store, text="rocket", mode=SearchMode.keyword)
    assert keyword_only.hits[0].evidence[KEYWORD_LIST].rank == 1


def test_limit_caps_the_result_set_and_its_counts(store: AssetStore, library: Library) -> None:
    centre = library[1]["Nature"].tolist()
    whole = search(store, mode=SearchMode.semantic, vectors={VectorField.image: centre})
    capped = search(store, mode=SearchMode.semantic, vectors={VectorField.image: centre}, limit=5, size=3, page=2)
    assert capped.total == 5
    assert [h.asset.id for h in capped.hits] == [h.asset.id for h in whole.hits][3:5]
    assert sum(b.count for b in capped.facets[FacetName.status]) == 5


@pytest.mark.parametrize("principal", [None, VIEWER], ids=["system", "viewer"])
@pytest.mark.parametrize("mode", list(SearchMode))
def test_totals_equal_facet_sums_in_every_mode(
    store: AssetStore, library: Library, mode: SearchMode, principal: Principal | None
) -> None:
    centre = library[1]["Food"]
    floor = floor_keeping(cosines(library[0], centre), 12)
    result = search(
        store,
        text="coffee pet",
        mode=mode,
        vectors={VectorField.image: centre.tolist()},
        floors={VectorField.image: floor},
        principal=principal,
        facets=SINGLE_VALUED,
        size=3,
    )
    assert result.total > 0
    for facet in SINGLE_VALUED:
        assert sum(b.count for b in result.facets[facet]) == result.total, facet


@pytest.mark.parametrize("fusion", list(FusionMethod))
def test_every_fusion_ranks_the_same_set(store: AssetStore, library: Library, fusion: FusionMethod) -> None:
    centre = library[1]["Space"]
    floor = floor_keeping(cosines(library[0], centre), 6)
    kwargs = {"text": "rocket", "vectors": {VectorField.image: centre.tolist()}, "floors": {VectorField.image: floor}}
    plain = search(store, **kwargs)
    fused = search(store, fusion=fusion, keyword_weight=2.0, **kwargs)
    assert {h.asset.id for h in fused.hits} == {h.asset.id for h in plain.hits}
    assert fused.hits[0].asset.id == "rocket-1"
    assert [h.score for h in fused.hits] == sorted((h.score for h in fused.hits), reverse=True)
