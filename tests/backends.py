"""Both backends for tests that must hold on each: open a fresh store or search log per backend, close it cleanly."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.factory import open_search_log
from loupe_core.analytics.opensearch_log import OpenSearchSearchLog
from loupe_core.mapping import load_index_definition
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore

BACKENDS = ["embedded", pytest.param("opensearch", marks=pytest.mark.opensearch)]


def backend_settings(backend: str, tmp: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for `backend`; an OpenSearch one gets its own alias prefix on the shared node.

    The caller's conftest must import `opensearch_url` from tests.opensearch_node.
    """
    if backend == "embedded":
        return Settings(backend="embedded", data_dir=tmp)
    if backend == "opensearch":
        return Settings(
            backend="opensearch",
            opensearch_url=request.getfixturevalue("opensearch_url"),
            index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-",
            data_dir=tmp,
        )
    raise ValueError(backend)


def open_backend(
    backend: str, tmp: Path, request: pytest.FixtureRequest, settings: Settings | None = None
) -> AssetStore:
    """`settings`: from `backend_settings`, when an app is built over the same store (same prefix)."""
    definition = load_index_definition(REPO_ROOT / "mappings", "assets")
    if backend == "embedded":
        return EmbeddedStore(tmp / "contract.sqlite3", definition)
    return OpenSearchStore.from_settings(settings or backend_settings(backend, tmp, request), definition)


def close_backend(store: AssetStore) -> None:
    """Close the store; an OpenSearch store first deletes the indices behind its own aliases."""
    if isinstance(store, OpenSearchStore):
        for lifecycle in store.lifecycles:
            lifecycle.drop()
    store.close()


def open_search_log_backend(backend: str, tmp: Path, request: pytest.FixtureRequest) -> SearchLog:
    """The search log the app would open for `backend` (through the production factory)."""
    return open_search_log(backend_settings(backend, tmp, request))


def close_search_log(log: SearchLog) -> None:
    """Close the log; an OpenSearch log first deletes the indices behind its own alias."""
    if isinstance(log, OpenSearchSearchLog):
        log.lifecycle.drop()
    log.close()
