"""Index lifecycle on a real node: alias + versioned index, reindex with one alias swap, drop."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from loupe_core.errors import BackendUnavailable
from loupe_core.mapping import IndexDefinition, load_index_definition
from loupe_core.query import Query, SearchMode
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import WriteReport
from loupe_core.store.opensearch import OpenSearchStore
from loupe_core.store.opensearch.client import Cluster
from loupe_core.store.opensearch.lifecycle import IndexLifecycle

pytestmark = pytest.mark.opensearch

ASSETS = load_index_definition(REPO_ROOT / "mappings", "assets")


@pytest.fixture
def settings(opensearch_url: str) -> Settings:
    return Settings(
        backend="opensearch", opensearch_url=opensearch_url, index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-"
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[OpenSearchStore]:
    opened = OpenSearchStore.from_settings(settings, ASSETS)
    yield opened
    for lifecycle in opened.lifecycles:
        lifecycle.drop()
    opened.close()


def raw_client(settings: Settings) -> OpenSearch:
    return Cluster.from_settings(settings).client


DEFINITION_VERSION = load_index_definition(REPO_ROOT / "mappings", "assets").version


def test_first_use_creates_versioned_indices_behind_aliases(settings: Settings, store: OpenSearchStore) -> None:
    assert store.count() == 0
    client = raw_client(settings)
    for name in ("assets", "search_log"):
        alias = f"{settings.index_prefix}{name}"
        (index,) = client.indices.get_alias(name=alias)
        version = load_index_definition(REPO_ROOT / "mappings", name).version
        assert index.startswith(f"{alias}-v{version}-")
        assert client.indices.get_alias(name=alias)[index]["aliases"][alias] == {"is_write_index": True}
    mapping = client.indices.get_mapping(index=f"{settings.index_prefix}assets")
    assert next(iter(mapping.values()))["mappings"]["_meta"]["version"] == DEFINITION_VERSION


def test_a_second_ensure_reuses_the_alias(settings: Settings, store: OpenSearchStore) -> None:
    store.count()
    lifecycle = IndexLifecycle(Cluster.from_settings(settings), settings.index_prefix, ASSETS)
    before = lifecycle.indices()
    lifecycle.ensure()
    assert lifecycle.indices() == before and len(before) == 1


def test_a_process_losing_the_creation_race_uses_the_winners_index(
    settings: Settings, store: OpenSearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both saw no alias and both create: the cluster refuses a second write index for the alias."""
    store.count()  # the first use creates the winner's index
    (winner,) = store.lifecycles[0].indices()
    loser = IndexLifecycle(Cluster.from_settings(settings), settings.index_prefix, ASSETS)
    looked: list[bool] = []
    real_indices = loser.indices

    def stale_first_look() -> list[str]:
        looked.append(True)
        return [] if len(looked) == 1 else real_indices()

    monkeypatch.setattr(loser, "indices", stale_first_look)
    loser.ensure()
    assert real_indices() == [winner]


def test_reindex_copies_everything_and_swaps_the_alias(settings: Settings, store: OpenSearchStore) -> None:
    assets = [Asset(id=f"a{i}", title=f"Lighthouse {i}", image_vector=[1.0, float(i)] + [0.0] * 510) for i in range(30)]
    assert store.upsert(assets).written == 30
    lifecycle = store.lifecycles[0]
    (old,) = lifecycle.indices()
    new = lifecycle.reindex()
    assert new != old and lifecycle.indices() == [new]
    assert not raw_client(settings).indices.exists(index=old)
    assert store.count() == 30
    assert store.search(Query(text="lighthouse", mode=SearchMode.keyword)).total == 30
    assert store.get("a3").image_vector is not None


def test_drop_deletes_only_its_own_indices(settings: Settings, store: OpenSearchStore, opensearch_url: str) -> None:
    neighbour_settings = settings.model_copy(update={"index_prefix": f"loupe-test-{uuid.uuid4().hex[:8]}-"})
    neighbour = OpenSearchStore.from_settings(neighbour_settings, ASSETS)
    try:
        neighbour.count()
        store.count()
        for lifecycle in store.lifecycles:
            lifecycle.drop()
            assert lifecycle.indices() == []
        assert len(neighbour.lifecycles[0].indices()) == 1
    finally:
        for lifecycle in neighbour.lifecycles:
            lifecycle.drop()
        neighbour.close()


def test_get_is_real_time_before_refresh(store: OpenSearchStore) -> None:
    store.upsert([Asset(id="fresh", title="Not refreshed yet")])
    assert store.get("fresh").title == "Not refreshed yet"


def test_long_query_over_near_miss_vocabulary_stays_under_the_clause_limit(store: OpenSearchStore) -> None:
    """40 words, each with ~100 one-edit neighbours indexed: fuzzy expansion must stay bounded."""
    words = [f"{c}{v}b{v}d{v}" for c in "bdfgklmnprst" for v in "aeiou"][:40]
    near_misses = [w[:i] + x + w[i + 1 :] for w in words for i in range(1, 6) for x in "abcdefghijklmnopqrstuvwxyz"]
    chunks = [near_misses[i : i + 50] for i in range(0, len(near_misses), 50)]
    store.upsert(
        [Asset(id=f"v{i}", title=" ".join(c), description=" ".join(c), tags=c[:20]) for i, c in enumerate(chunks)]
    )
    store.refresh()
    assert store.search(Query(text=" ".join(words), mode=SearchMode.keyword, size=5)).total > 0


def test_a_write_during_reindex_is_refused_with_a_reason_never_lost_silently(
    settings: Settings, store: OpenSearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.upsert([Asset(id=f"a{i}", title=f"Harbour {i}") for i in range(5)]).written == 5
    lifecycle = store.lifecycles[0]
    copy_done = lifecycle._wait_for_task
    during: list[WriteReport] = []

    def write_while_copying(task_id: str) -> None:
        during.append(store.upsert([Asset(id="late", title="Arrived mid-reindex")]))
        assert store.search(Query(text="harbour", mode=SearchMode.keyword)).total == 5  # searches go on
        copy_done(task_id)

    monkeypatch.setattr(lifecycle, "_wait_for_task", write_while_copying)
    lifecycle.reindex()

    (report,) = during
    assert report.written == 0 and [f.asset_id for f in report.failures] == ["late"]
    assert "being rebuilt (loupe reindex)" in report.failures[0].reason
    assert store.count() == 5
    assert store.upsert([Asset(id="late", title="Arrived mid-reindex")]).written == 1  # the new index takes it
    store.refresh()
    assert store.count() == 6


def test_a_failed_reindex_lifts_the_write_block_and_keeps_the_old_index(
    settings: Settings, store: OpenSearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.upsert([Asset(id="a0", title="Harbour")]).written == 1
    lifecycle = store.lifecycles[0]
    before = lifecycle.indices()

    def copy_fails(task_id: str) -> None:
        raise RuntimeError("reindex of the test alias failed: simulated")

    monkeypatch.setattr(lifecycle, "_wait_for_task", copy_fails)
    with pytest.raises(RuntimeError, match="simulated"):
        lifecycle.reindex()

    assert lifecycle.indices() == before
    assert store.upsert([Asset(id="a1", title="Harbour again")]).written == 1
    store.refresh()
    assert store.count() == 2


def test_an_index_built_from_another_mapping_version_is_refused_with_the_fix(settings: Settings) -> None:
    old = OpenSearchStore.from_settings(settings, ASSETS)
    old.count()
    newer_body = copy.deepcopy(ASSETS.body)
    newer_body["mappings"]["_meta"]["version"] = ASSETS.version + 1
    newer = OpenSearchStore.from_settings(settings, IndexDefinition(name="assets", body=newer_body))
    try:
        needs = rf"version {ASSETS.version}, this Loupe needs version {ASSETS.version + 1}: run `loupe reindex`"
        with pytest.raises(BackendUnavailable, match=needs):
            newer.count()
        newer.lifecycles[0].reindex()
        assert newer.count() == 0  # rebuilt from the new mapping: served again
    finally:
        for lifecycle in (*old.lifecycles, *newer.lifecycles):
            lifecycle.drop()
        old.close()
        newer.close()
