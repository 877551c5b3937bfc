"""`LOUPE_INDEX_*` and `LOUPE_HNSW_*` over the mapping files: exact bodies, and the search log's one shard."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from loupe_core.mapping import load_index_definition
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.opensearch import OpenSearchStore
from loupe_core.store.opensearch.compiler import knn_clause
from loupe_core.store.opensearch.index_tuning import tuned_assets, tuned_search_log

ASSETS = load_index_definition(REPO_ROOT / "mappings", "assets")
SEARCH_LOG = load_index_definition(REPO_ROOT / "mappings", "search_log")
# Explicit None, so a LOUPE_INDEX_* variable in the environment cannot change what "unset" means here.
UNSET = Settings(
    index_shards=None,
    index_replicas=None,
    index_refresh_interval=None,
    hnsw_m=None,
    hnsw_ef_construction=None,
    hnsw_ef_search=None,
)
TUNED = Settings(
    index_shards=3,
    index_replicas=1,
    index_refresh_interval="30s",
    hnsw_m=24,
    hnsw_ef_construction=256,
    hnsw_ef_search=64,
)


def test_unset_settings_leave_the_mapping_files_bodies_as_they_are() -> None:
    assert tuned_assets(ASSETS, UNSET).body == ASSETS.body
    assert tuned_search_log(SEARCH_LOG, UNSET).body == SEARCH_LOG.body


def test_assets_take_shards_replicas_refresh_and_hnsw_build_parameters() -> None:
    original = copy.deepcopy(ASSETS.body)
    body = tuned_assets(ASSETS, TUNED).body
    assert body["settings"]["index"] == {
        "number_of_shards": 3,
        "number_of_replicas": 1,
        "refresh_interval": "30s",
        "knn": True,
        "knn.derived_source.enabled": True,
        "max_result_window": 10000,
    }
    for field in ("image_vector", "text_vector"):
        assert body["mappings"]["properties"][field]["method"] == {
            "name": "hnsw",
            "engine": "lucene",
            "space_type": "cosinesimil",
            "parameters": {"m": 24, "ef_construction": 256},
        }
    assert body["mappings"]["properties"]["title"] == original["mappings"]["properties"]["title"]
    assert ASSETS.body == original, "the cached definition must not be changed in place"


def test_the_search_log_keeps_one_shard_and_takes_only_the_replicas() -> None:
    body = tuned_search_log(SEARCH_LOG, TUNED).body
    assert body["settings"]["index"] == {"number_of_shards": 1, "number_of_replicas": 1}
    assert body["mappings"] == SEARCH_LOG.body["mappings"]


def test_the_store_builds_its_indices_and_knn_clauses_from_the_settings() -> None:
    store = OpenSearchStore.from_settings(TUNED.model_copy(update={"backend": "opensearch"}), ASSETS)
    try:
        assets, search_log = store.lifecycles
        assert assets.definition.body["settings"]["index"]["number_of_shards"] == 3
        assert search_log.definition.body["settings"]["index"]["number_of_shards"] == 1
        assert store.schema.ef_search == 64
    finally:
        store.close()
    assert knn_clause("image_vector", [1.0], 20, [], 64)["knn"]["image_vector"]["method_parameters"] == {
        "ef_search": 64
    }
    # Never fewer candidates than hits asked for: k=200 needs a list of 200.
    assert knn_clause("image_vector", [1.0], 200, [], 64)["knn"]["image_vector"]["method_parameters"] == {
        "ef_search": 200
    }


@pytest.mark.parametrize(
    "update",
    [{"index_shards": 0}, {"index_replicas": -1}, {"index_refresh_interval": "soon"}, {"hnsw_m": 1}],
)
def test_impossible_values_are_refused_at_start(update: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate(update)
