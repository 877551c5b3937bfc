"""Every store behaviour, on every backend, against answers computed from the fixture library."""

from __future__ import annotations

import numpy as np
import pytest

from loupe_core.errors import AssetNotFound
from loupe_core.principal import Principal, Role
from loupe_core.query import FacetName, Filters, Query, SearchMode, SortOrder, VectorField
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore
from tests.contract.library import TODAY, exact_neighbours, taxonomy_counts

Library = tuple[list[Asset], dict[str, np.ndarray]]


def run(store: AssetStore, **kwargs: object) -> list[str]:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("size", 100)
    return [hit.asset.id for hit in store.search(Query(**kwargs)).hits]  # type: ignore[arg-type]


def ids_where(library: Library, predicate: object) -> set[str]:
    return {a.id for a in library[0] if predicate(a)}  # type: ignore[operator]


# -- keyword --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "top"),
    [
        ("cat", "cat-1"),
        ("espresso", "coffee-1"),
        ("rocket launch", "rocket-1"),
        ("golden retriever", "dog-1"),
        ("storm clouds road", "storm-1"),
    ],
)
def test_keyword_top_hit(store: AssetStore, text: str, top: str) -> None:
    assert run(store, text=text, mode=SearchMode.keyword)[0] == top


@pytest.mark.parametrize(("text", "top"), [("chelsae", "cat-1"), ("rockett", "rocket-1"), ("espreso", "coffee-1")])
def test_keyword_tolerates_typos(store: AssetStore, text: str, top: str) -> None:
    assert run(store, text=text, mode=SearchMode.keyword)[0] == top


def test_keyword_matches_prefixes_as_you_type(store: AssetStore) -> None:
    assert run(store, text="astro", mode=SearchMode.keyword)[0] == "astronaut-1"


def test_title_outranks_description(store: AssetStore) -> None:
    hits = run(store, text="lighthouse", mode=SearchMode.keyword)
    assert hits[:2] == ["lighthouse-1", "beach-1"]


def test_keyword_total_counts_every_match(store: AssetStore, library: Library) -> None:
    result = store.search(Query(text="coast", mode=SearchMode.keyword, today=TODAY))
    expected = ids_where(library, lambda a: "coast" in f"{a.title} {a.description} {' '.join(a.tags)}".lower())
    assert result.total == len(expected) == 2


def test_hostile_syntax_is_plain_text(store: AssetStore) -> None:
    for text in ['"unbalanced', "NEAR(cat dog)", "title:cat", "cat AND", "*", "'; DROP TABLE assets; --", "(("]:
        store.search(Query(text=text, mode=SearchMode.keyword, today=TODAY))
    assert run(store, text="cat*", mode=SearchMode.keyword)[0] == "cat-1"


def test_no_match_is_empty(store: AssetStore) -> None:
    result = store.search(Query(text="zzzqqqxxx", mode=SearchMode.keyword, today=TODAY))
    assert (result.total, result.hits) == (0, [])


def test_highlights_are_marked_and_escaped(store: AssetStore) -> None:
    result = store.search(Query(text="cat", mode=SearchMode.keyword, today=TODAY, size=100))
    by_id = {hit.asset.id: hit for hit in result.hits}
    assert any("<mark>" in h.lower() and "cat" in h.lower() for h in by_id["cat-1"].highlights["title"])
    hostile = " ".join(by_id["hostile-1"].highlights["title"])
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


# -- facets ---------------------------------------------------------------------------------
def test_hierarchical_taxonomy_facet_counts_exactly(store: AssetStore, library: Library) -> None:
    result = store.search(Query(today=TODAY, size=0, facets=(FacetName.taxonomy,)))
    got = {b.value: b.count for b in result.facets[FacetName.taxonomy]}
    assert got == taxonomy_counts(library[0])


@pytest.mark.parametrize("facet", [FacetName.tags, FacetName.status, FacetName.file_type, FacetName.owner])
def test_term_facet_counts_exactly(store: AssetStore, library: Library, facet: FacetName) -> None:
    expected: dict[str, int] = {}
    for asset in library[0]:
        value = getattr(asset, facet.value)
        for v in value if isinstance(value, list) else [value]:
            expected[str(v)] = expected.get(str(v), 0) + 1
    result = store.search(Query(today=TODAY, size=0, facets=(facet,)))
    buckets = result.facets[facet]
    assert {b.value: b.count for b in buckets} == expected
    assert [b.count for b in buckets] == sorted((b.count for b in buckets), reverse=True)


def test_license_facet_counts_exactly(store: AssetStore, library: Library) -> None:
    expected: dict[str, int] = {}
    for asset in library[0]:
        state = asset.license_state(TODAY).value
        expected[state] = expected.get(state, 0) + 1
    result = store.search(Query(today=TODAY, size=0, facets=(FacetName.license,)))
    assert {b.value: b.count for b in result.facets[FacetName.license]} == expected


def test_facets_count_the_filtered_keyword_set(store: AssetStore, library: Library) -> None:
    result = store.search(Query(text="pet", mode=SearchMode.keyword, today=TODAY, size=0, facets=(FacetName.taxonomy,)))
    pets = [a for a in library[0] if "pet" in a.tags]
    assert {b.value: b.count for b in result.facets[FacetName.taxonomy]} == taxonomy_counts(pets)


# -- filters --------------------------------------------------------------------------------
def test_taxonomy_prefix_filter_matches_descendants(store: AssetStore, library: Library) -> None:
    got = set(run(store, filters=Filters(taxonomy=("Food",))))
    assert got == ids_where(library, lambda a: any(p.split("/")[0] == "Food" for p in a.taxonomy))
    assert set(run(store, filters=Filters(taxonomy=("Food/Drinks",)))) == {"coffee-1"}


@pytest.mark.parametrize(
    ("filters", "predicate"),
    [
        (Filters(status=("draft",)), lambda a: a.status == "draft"),
        (Filters(file_type=("png", "webp")), lambda a: a.file_type in ("png", "webp")),
        (Filters(orientation=("portrait",)), lambda a: a.orientation == "portrait"),
        (Filters(owner=("erin",)), lambda a: a.owner == "erin"),
        (Filters(tags=("coast", "sand")), lambda a: {"coast", "sand"} <= set(a.tags)),
        (Filters(license=(LicenseState.expired,)), lambda a: a.license_state(TODAY) is LicenseState.expired),
        (
            Filters(license=(LicenseState.expiring, LicenseState.none)),
            lambda a: a.license_state(TODAY) in (LicenseState.expiring, LicenseState.none),
        ),
        (
            Filters(created_from=TODAY.replace(year=2024, month=3), created_to=TODAY.replace(year=2024, month=6)),
            lambda a: "2024-03-01" <= a.created_at.date().isoformat() <= "2024-06-01",
        ),
        (Filters(exclude_ids=("cat-1", "dog-1")), lambda a: a.id not in ("cat-1", "dog-1")),
        (Filters(ids=("cat-1", "nope")), lambda a: a.id == "cat-1"),
    ],
)
def test_filters_select_exactly(store: AssetStore, library: Library, filters: Filters, predicate: object) -> None:
    assert set(run(store, filters=filters)) == ids_where(library, predicate)


def test_filters_apply_to_keyword_results(store: AssetStore) -> None:
    assert run(store, text="cat", mode=SearchMode.keyword, filters=Filters(status=("draft",))) == ["hostile-1"]


# -- vectors and hybrid -----------------------------------------------------------------------
@pytest.mark.parametrize("category", ["Animals", "Space", "Nature"])
def test_vector_neighbours_match_exact_search(store: AssetStore, library: Library, category: str) -> None:
    centre = library[1][category]
    got = run(store, mode=SearchMode.semantic, vectors={VectorField.image: centre.tolist()}, knn_k=10, size=10)
    assert got == exact_neighbours(library[0], centre, 10)


def test_filtered_vector_search_still_returns_k(store: AssetStore, library: Library) -> None:
    centre = library[1]["Animals"]
    filters = Filters(taxonomy=("Food",))
    got = run(
        store, mode=SearchMode.semantic, vectors={VectorField.image: centre.tolist()}, filters=filters, knn_k=5, size=5
    )
    food = [a for a in library[0] if any(p.startswith("Food") for p in a.taxonomy)]
    assert got == exact_neighbours(food, centre, 5)


def test_hybrid_fuses_keyword_and_vector_lists(store: AssetStore, library: Library) -> None:
    centre = library[1]["Space"]
    result = store.search(
        Query(text="rocket", mode=SearchMode.hybrid, vectors={VectorField.image: centre.tolist()}, knn_k=5, today=TODAY)
    )
    ids = [h.asset.id for h in result.hits]
    assert ids[0] == "rocket-1"
    assert set(exact_neighbours(library[0], centre, 5)) <= set(ids)
    assert result.total == len(ids)
    assert result.hits[0].highlights.get("title")


def test_semantic_text_vector_field(store: AssetStore, library: Library) -> None:
    target = next(a for a in library[0] if a.id == "coffee-1")
    got = run(store, mode=SearchMode.semantic, vectors={VectorField.text: target.text_vector}, knn_k=3, size=3)
    assert got == exact_neighbours(library[0], np.asarray(target.text_vector), 3, field="text_vector")


# -- paging and sorting -----------------------------------------------------------------------
def test_pages_partition_the_results(store: AssetStore, library: Library) -> None:
    pages = [run(store, page=p, size=7) for p in range(1, 10)]
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == len(library[0])


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        (SortOrder.newest, lambda a: a.created_at, True),
        (SortOrder.oldest, lambda a: a.created_at, False),
        (SortOrder.title, lambda a: a.title, False),
    ],
)
def test_sort_orders(store: AssetStore, library: Library, sort: SortOrder, key: object, reverse: bool) -> None:
    expected = [a.id for a in sorted(library[0], key=key, reverse=reverse)]  # type: ignore[arg-type]
    assert run(store, sort=sort) == expected


# -- point reads, permissions, writes ---------------------------------------------------------
def test_get_returns_vectors_and_missing_raises(store: AssetStore, library: Library) -> None:
    asset = store.get("cat-1")
    expected = np.asarray(library[0][0].image_vector)
    assert np.allclose(asset.image_vector, expected / np.linalg.norm(expected), atol=1e-5)
    with pytest.raises(AssetNotFound):
        store.get("does-not-exist")


def test_visibility_limits_hits_facets_and_vectors(store: AssetStore, library: Library) -> None:
    viewer = Principal(user_id="zoe", role=Role.viewer, groups=frozenset({"science"}))
    # zoe owns nothing: a group reaches neither drafts (their owner's until approved) nor archived/retired assets
    visible = ids_where(library, lambda a: "science" in a.groups and a.status not in ("draft", "archived", "retired"))
    assert set(run(store, principal=viewer)) == visible
    result = store.search(Query(principal=viewer, today=TODAY, size=0, facets=(FacetName.taxonomy,)))
    assert {b.value: b.count for b in result.facets[FacetName.taxonomy]} == taxonomy_counts(
        [a for a in library[0] if a.id in visible]
    )
    centre = library[1]["Animals"].tolist()
    assert set(run(store, mode=SearchMode.semantic, vectors={VectorField.image: centre}, principal=viewer)) <= visible
    with pytest.raises(AssetNotFound):
        store.get("cat-1", viewer)


def test_upsert_replaces_and_delete_removes(fresh_store: AssetStore, library: Library) -> None:
    assets = library[0][:5]
    fresh_store.upsert(assets)
    fresh_store.upsert([assets[0].model_copy(update={"title": "Renamed zebra", "tags": ["zebra"]})])
    fresh_store.refresh()
    assert run(fresh_store, text="zebra", mode=SearchMode.keyword) == [assets[0].id]
    assert run(fresh_store, text="chelsea", mode=SearchMode.keyword) == []
    assert fresh_store.count() == 5
    assert fresh_store.delete([assets[0].id, "never-existed"]) == 1
    fresh_store.refresh()
    assert fresh_store.count() == 4
    assert assets[0].id not in run(fresh_store)
    centre = np.asarray(assets[0].image_vector).tolist()
    assert assets[0].id not in run(fresh_store, mode=SearchMode.semantic, vectors={VectorField.image: centre})
    assert fresh_store.fingerprints() == {a.id: a.sha256 for a in assets[1:]}


def test_wrong_vector_dimension_is_a_per_document_failure(fresh_store: AssetStore, library: Library) -> None:
    good, bad = library[0][0], library[0][1].model_copy(update={"image_vector": [0.1] * 3})
    report = fresh_store.upsert([good, bad])
    assert report.written == 1 and [f.asset_id for f in report.failures] == [bad.id]
    fresh_store.refresh()
    assert fresh_store.count() == 1


def test_scan_lists_exactly_the_visible_assets(store: AssetStore, library: Library) -> None:
    assert {a.id for a in store.scan()} == {a.id for a in library[0]}
    assert all(a.image_vector is None for a in store.scan())
    with_vectors = {a.id: a for a in store.scan(with_vectors=True)}
    assert len(with_vectors["cat-1"].image_vector or []) == 512
    viewer = Principal(user_id="zoe", role=Role.viewer, groups=frozenset({"brand"}))
    expected = ids_where(library, lambda a: "brand" in a.groups and a.status not in ("draft", "archived", "retired"))
    assert {a.id for a in store.scan(viewer)} == expected


def test_keyword_matches_report_the_keyword_part(store: AssetStore, library: Library) -> None:
    centre = library[1]["Space"].tolist()
    hybrid = store.search(Query(text="zzzqqq", vectors={VectorField.image: centre}, today=TODAY))
    assert hybrid.keyword_matches == 0 and hybrid.total > 0
    assert store.search(Query(text="coast", mode=SearchMode.keyword, today=TODAY)).keyword_matches == 2
    assert store.search(Query(mode=SearchMode.semantic, vectors={VectorField.image: centre})).keyword_matches is None
    assert store.search(Query(today=TODAY)).keyword_matches is None
