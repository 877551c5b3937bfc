"""Duplicate clusters fold into one hit, after ranking, inside what the caller may see; every backend.

The expected answer is computed from the uncollapsed result: each cluster present shows its
keeper when present, else its first member; its other members present are its copies and leave
the list. In a ranking the card takes the cluster's best place, in a sort its own; the rest keeps
its order. Totals and facets count the folded set.
"""

from __future__ import annotations

import numpy as np
import pytest

from loupe_core.principal import Principal, Role
from loupe_core.query import DuplicateClusters, FacetName, Query, SearchMode, SearchResult, SortOrder, VectorField
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from tests.contract.library import TODAY

Library = tuple[list[Asset], dict[str, np.ndarray]]
CLUSTERS = {
    "cat-1": ["cat-1", "hostile-1", "filler-000"],
    "dog-1": ["dog-1", "lighthouse-1", "beach-1"],  # the keeper matches neither "coast" nor the Nature centre
    "filler-012": ["filler-012", "filler-007", "rocket-1", "filler-002"],
}
COLLAPSE = DuplicateClusters(keeper_of={m: keeper for keeper, members in CLUSTERS.items() for m in members})
MARKETING = Principal(user_id="mia", role=Role.viewer, groups=frozenset({"marketing"}))
BRAND = Principal(user_id="bo", role=Role.viewer, groups=frozenset({"brand"}))
FACETS = (FacetName.status, FacetName.file_type)


def expected_fold(ids: list[str], ranked: bool) -> tuple[list[str], dict[str, list[str]]]:
    """In a ranking the card takes its cluster's best place; in a sort, the shown member's own."""
    present: dict[str, list[str]] = {}
    for asset_id in ids:
        if asset_id in COLLAPSE.keeper_of:
            present.setdefault(COLLAPSE.keeper_of[asset_id], []).append(asset_id)
    copies, place = {}, {}
    for keeper, members in present.items():
        shown = keeper if keeper in members else members[0]
        if len(members) > 1:
            copies[shown] = [m for m in members if m != shown]
            place[members[0] if ranked else shown] = shown
    in_clusters = {m for members in present.values() if len(members) > 1 for m in members}
    return [place.get(i, i) for i in ids if i in place or i not in in_clusters], copies


def both(store: AssetStore, **kwargs: object) -> tuple[SearchResult, SearchResult]:
    kwargs = {"today": TODAY, "size": 100, "facets": FACETS, **kwargs}
    plain = store.search(Query(**kwargs))  # type: ignore[arg-type]
    return plain, store.search(Query(collapse=COLLAPSE, **kwargs))  # type: ignore[arg-type]


def searches(library: Library) -> dict[str, dict[str, object]]:
    nature = library[1]["Nature"].tolist()
    return {
        "keyword": {"text": "cat coast rocket shot", "mode": SearchMode.keyword},
        "keyword-newest": {"text": "cat coast rocket shot", "mode": SearchMode.keyword, "sort": SortOrder.newest},
        "semantic": {"mode": SearchMode.semantic, "vectors": {VectorField.image: nature}},
        "hybrid": {"text": "cat coast", "vectors": {VectorField.image: nature}},
        "browse": {},
        "browse-title": {"sort": SortOrder.title},
    }


@pytest.mark.parametrize("principal", [None, MARKETING, BRAND], ids=["system", "marketing", "brand"])
@pytest.mark.parametrize("kind", ["keyword", "keyword-newest", "semantic", "hybrid", "browse", "browse-title"])
def test_clusters_fold_after_ranking_within_what_the_caller_sees(
    store: AssetStore, library: Library, kind: str, principal: Principal | None
) -> None:
    plain, folded = both(store, principal=principal, **searches(library)[kind])
    plain_ids = [h.asset.id for h in plain.hits]
    kept, copies = expected_fold(plain_ids, ranked=kind in ("keyword", "semantic", "hybrid"))
    assert [h.asset.id for h in folded.hits] == kept
    assert {h.asset.id: h.copies for h in folded.hits if h.copies} == copies
    assert folded.total == len(kept) and folded.total_uncollapsed == plain.total == len(plain_ids)
    assert plain.total_uncollapsed is None
    for facet in FACETS:
        assert sum(b.count for b in folded.facets[facet]) == folded.total
    named = {h.asset.id for h in folded.hits} | {c for h in folded.hits for c in h.copies}
    assert named <= set(plain_ids)  # a fold never names an asset outside the caller's result set


def test_the_keeper_is_shown_when_present_and_copies_are_listed(store: AssetStore) -> None:
    _, folded = both(store, text="cat", mode=SearchMode.keyword)
    cat = next(h for h in folded.hits if h.asset.id == "cat-1")
    assert cat.copies == ["hostile-1"] and "hostile-1" not in [h.asset.id for h in folded.hits]


def test_a_hidden_keeper_gives_way_to_the_best_visible_member(store: AssetStore) -> None:
    """dog-1 (brand) keeps the cat cluster's place for nobody; the marketing viewer sees cat-1 alone."""
    _, folded = both(store, text="cat", mode=SearchMode.keyword, principal=MARKETING)
    cat = next(h for h in folded.hits if h.asset.id == "cat-1")
    assert "dog-1" not in cat.copies and "filler-000" not in cat.copies


def test_pages_of_a_folded_result_partition_it(store: AssetStore, library: Library) -> None:
    _, whole = both(store, sort=SortOrder.newest)
    pages = [
        store.search(Query(collapse=COLLAPSE, today=TODAY, page=p, size=7, sort=SortOrder.newest)) for p in range(1, 10)
    ]
    assert [h.asset.id for page in pages for h in page.hits] == [h.asset.id for h in whole.hits]
    assert len(library[0]) - whole.total == sum(len(rest) - 1 for rest in CLUSTERS.values())
