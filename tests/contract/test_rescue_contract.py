"""Calibrated floors and the honest rescue, through the search service, on every backend.

A small library with real all-MiniLM-L6-v2 metadata vectors (the production text model): a
query by meaning finds its target, a nonsense word finds nothing in any mode, and a keyword
miss is rescued by at most RESCUE_LIMIT hits that clear the floors, counted exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.query import FacetName, Query, SearchMode, VectorField
from loupe_core.relevance.floors import RelevanceFloors
from loupe_core.schema import Asset
from loupe_core.search_service import RESCUE_LIMIT, SearchService
from loupe_core.store.base import AssetStore

ASSETS = [
    ("sofa", "Grey sofa in a bright living room", ["sofa", "furniture"], "Things/Furniture"),
    ("cat", "Tabby cat asleep on a windowsill", ["cat", "pet"], "Animals/Cats"),
    ("coffee", "Espresso in a white cup", ["coffee", "drink"], "Food/Drinks"),
    ("rocket", "Rocket lifting off at dawn", ["rocket", "launch"], "Space/Rockets"),
    ("harbour", "Container cranes in the harbour", ["port", "industry"], "Places/Harbours"),
    ("apples", "Red apples in a crate", ["fruit", "apple"], "Food/Fruit"),
    ("team", "Team meeting around a table", ["office", "people"], "People/Teams"),
    ("storm", "Storm clouds over a desert road", ["storm", "weather"], "Nature/Weather"),
]


@pytest.fixture
def service(fresh_store: AssetStore, encoders: Encoders, tmp_path: Path) -> SearchService:
    text = encoders.text()
    assert text is not None
    assets = [
        Asset(id=i, title=title, tags=tags, taxonomy=[path], filename=f"{i}.jpg", status="approved")
        for i, title, tags, path in ASSETS
    ]
    vectors = text.encode_texts([metadata_text(a) for a in assets])
    written = fresh_store.upsert(
        [a.model_copy(update={"text_vector": v.tolist()}) for a, v in zip(assets, vectors, strict=True)]
    )
    assert not written.failures
    fresh_store.refresh()
    floors = RelevanceFloors(tmp_path / "floors.json", fresh_store, encoders)
    return SearchService(fresh_store, encoders, 10_000_000, floors=floors)


@pytest.mark.parametrize(("text", "target"), [("feline", "cat"), ("harbor", "harbour"), ("weather", "storm")])
def test_a_query_by_meaning_finds_its_target_alone(service: SearchService, text: str, target: str) -> None:
    result = service.search(Query(text=text, mode=SearchMode.semantic))
    assert [h.asset.id for h in result.hits] == [target]
    assert result.total == 1
    floor = result.floors[VectorField.text]
    assert 0.15 < floor < 0.45  # MiniLM's null cosines sit near 0.07 +- 0.07
    assert result.hits[0].evidence[VectorField.text.value].score >= floor


@pytest.mark.parametrize("mode", list(SearchMode))
def test_nonsense_finds_nothing_in_any_mode(service: SearchService, mode: SearchMode) -> None:
    result = service.search(Query(text="qwxzv", mode=mode))
    keyword_matches = None if mode is SearchMode.semantic else 0
    assert (result.total, result.hits, result.rescued, result.keyword_matches) == (0, [], False, keyword_matches)
    assert all(buckets == [] for buckets in result.facets.values())


def test_a_keyword_miss_is_rescued_by_the_closest_hits_only(service: SearchService) -> None:
    result = service.search(Query(text="couch", mode=SearchMode.keyword, facets=(FacetName.taxonomy,)))
    assert result.rescued and result.keyword_matches == 0
    assert result.hits[0].asset.id == "sofa"
    assert result.total == len(result.hits) <= RESCUE_LIMIT
    assert result.total < len(ASSETS)
    assert sum(b.count for b in result.facets[FacetName.taxonomy] if "/" not in b.value) == result.total
    assert any("closest by meaning" in note for note in result.notes)
