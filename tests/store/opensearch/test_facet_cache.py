"""Facets on a real node: counted beside the hits in one round trip, read from the request cache when asked again.

Keyword searches count facets with their hits instead (their costly query runs once), so
only browsing and fused (semantic, hybrid) results have facets the cache can keep.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from loupe_core.mapping import load_index_definition
from loupe_core.query import FacetName, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.opensearch import OpenSearchStore

pytestmark = pytest.mark.opensearch

ASSETS = load_index_definition(REPO_ROOT / "mappings", "assets")


@pytest.fixture
def store(opensearch_url: str) -> Iterator[OpenSearchStore]:
    settings = Settings(
        backend="opensearch", opensearch_url=opensearch_url, index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-"
    )
    opened = OpenSearchStore.from_settings(settings, ASSETS)
    library = [
        Asset(
            id=f"c{i}",
            title=f"Lighthouse {i}",
            tags=["coast", "night" if i % 2 else "day"],
            taxonomy=["Places/Coast"],
            text_vector=[1.0, float(i)] + [0.0] * 382,
        )
        for i in range(12)
    ]
    opened.upsert(library)
    opened.refresh()
    yield opened
    for lifecycle in opened.lifecycles:
        lifecycle.drop()
    opened.close()


def cache_hits(store: OpenSearchStore) -> int:
    stats = store.lifecycles[0].cluster.client.indices.stats(index=store.alias, metric="request_cache")
    return int(stats["_all"]["total"]["request_cache"]["hit_count"])


@pytest.mark.parametrize(
    "query",
    [
        Query(facets=(FacetName.tags, FacetName.taxonomy), size=5),
        Query(
            text="lighthouse",
            mode=SearchMode.hybrid,
            vectors={VectorField.text: [1.0, 3.0] + [0.0] * 382},
            facets=(FacetName.tags,),
            size=5,
        ),
    ],
    ids=["browse", "hybrid"],
)
def test_the_next_page_reads_its_facets_from_the_cache_and_counts_stay_whole(
    store: OpenSearchStore, query: Query
) -> None:
    first = store.search(query)
    before = cache_hits(store)
    second = store.search(query.model_copy(update={"page": 2}))
    assert cache_hits(store) > before
    assert second.facets == first.facets
    assert {b.value: b.count for b in first.facets[FacetName.tags]} == {"coast": 12, "day": 6, "night": 6}
    assert not {h.asset.id for h in first.hits} & {h.asset.id for h in second.hits}


def test_a_write_is_counted_at_once_after_a_refresh(store: OpenSearchStore) -> None:
    query = Query(facets=(FacetName.tags,), size=5)
    assert {b.value: b.count for b in store.search(query).facets[FacetName.tags]}["coast"] == 12
    store.upsert([Asset(id="c99", title="Lighthouse 99", tags=["coast"])], wait_for_search=True)
    assert {b.value: b.count for b in store.search(query).facets[FacetName.tags]}["coast"] == 13
