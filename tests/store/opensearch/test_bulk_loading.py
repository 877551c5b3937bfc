"""A full load on a real node: load settings while it runs, the deployment's settings and one segment after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from loupe_core.mapping import load_index_definition
from loupe_core.query import Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.opensearch import OpenSearchStore

pytestmark = pytest.mark.opensearch

ASSETS = load_index_definition(REPO_ROOT / "mappings", "assets")


@pytest.fixture
def store(opensearch_url: str) -> Iterator[OpenSearchStore]:
    settings = Settings(
        backend="opensearch",
        opensearch_url=opensearch_url,
        index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-",
        index_refresh_interval="5s",
        index_replicas=1,  # one node: the replica stays unassigned, which the load must not wait for
        bulk_documents=40,
        bulk_threads=3,
    )
    opened = OpenSearchStore.from_settings(settings, ASSETS)
    yield opened
    for lifecycle in opened.lifecycles:
        lifecycle.drop()
    opened.close()


def assets(count: int, seed: int = 3) -> list[Asset]:
    rng = np.random.default_rng(seed)
    return [
        Asset(
            id=f"b{i}",
            title=f"Harbour crane {i}",
            image_vector=rng.standard_normal(512).tolist(),
            text_vector=rng.standard_normal(384).tolist(),
        )
        for i in range(count)
    ]


def index_settings(store: OpenSearchStore) -> dict[str, Any]:
    (index,) = store.lifecycles[0].indices()
    found = store.lifecycles[0].cluster.client.indices.get_settings(index=index, flat_settings=True)
    settings: dict[str, Any] = found[index]["settings"]
    return settings


def segments_per_shard(store: OpenSearchStore) -> list[int]:
    (index,) = store.lifecycles[0].indices()
    shards = store.lifecycles[0].cluster.client.indices.segments(index=index)["indices"][index]["shards"]
    return [len(copy["segments"]) for copies in shards.values() for copy in copies if copy["routing"]["primary"]]


def test_a_load_runs_without_refresh_or_replicas_and_ends_merged_with_the_deployments_settings(
    store: OpenSearchStore,
) -> None:
    library = assets(300)
    with store.bulk_loading():
        during = index_settings(store)
        for start in range(0, len(library), 100):
            assert store.upsert(library[start : start + 100]).written == 100
    after = index_settings(store)
    assert (during["index.refresh_interval"], during["index.number_of_replicas"]) == ("-1", "0")
    assert (after["index.refresh_interval"], after["index.number_of_replicas"]) == ("5s", "1")
    assert segments_per_shard(store) == [1]
    assert store.count() == 300
    target = library[17]
    found = store.search(Query(mode=SearchMode.semantic, vectors={VectorField.image: target.image_vector}, size=1))
    assert [hit.asset.id for hit in found.hits] == ["b17"]


def test_a_load_that_fails_puts_the_settings_back(store: OpenSearchStore) -> None:
    with pytest.raises(RuntimeError, match="source went away"), store.bulk_loading():
        store.upsert(assets(10))
        raise RuntimeError("source went away")
    after = index_settings(store)
    assert (after["index.refresh_interval"], after["index.number_of_replicas"]) == ("5s", "1")


def test_vectors_are_derived_not_stored_and_survive_a_reindex(store: OpenSearchStore) -> None:
    library = assets(50)
    store.upsert(library)
    assert index_settings(store)["index.knn.derived_source.enabled"] == "true"
    store.lifecycles[0].reindex()
    assert store.count() == 50
    vector = np.asarray(store.get("b7").image_vector)
    expected = np.asarray(library[7].image_vector)
    assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-6)
    after = index_settings(store)
    assert (after["index.refresh_interval"], after["index.number_of_replicas"]) == ("5s", "1")
    assert segments_per_shard(store) == [1]


def test_one_write_in_several_concurrent_requests_reports_every_document(store: OpenSearchStore) -> None:
    library = assets(250)
    report = store.upsert(library)
    assert report.written == 250 and not report.failures
    assert set(report.versions) == {asset.id for asset in library}


def test_a_write_naming_one_asset_twice_keeps_the_later_copy(store: OpenSearchStore) -> None:
    first, second = Asset(id="twice", title="First take"), Asset(id="twice", title="Second take")
    filler = [Asset(id=f"f{i}", title="Filler") for i in range(100)]
    assert store.upsert([first, *filler, second]).written == 102
    assert store.get("twice").title == "Second take"
