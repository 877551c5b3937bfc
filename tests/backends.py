"""Both backends for tests that must hold on each: open a fresh store per backend, close it cleanly."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from loupe_core.mapping import load_index_definition
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore

BACKENDS = ["embedded", pytest.param("opensearch", marks=pytest.mark.opensearch)]


def open_backend(backend: str, tmp: Path, request: pytest.FixtureRequest) -> AssetStore:
    """The caller's conftest must import `opensearch_url` from tests.opensearch_node."""
    definition = load_index_definition(REPO_ROOT / "mappings", "assets")
    if backend == "embedded":
        return EmbeddedStore(tmp / "contract.sqlite3", definition)
    if backend == "opensearch":
        settings = Settings(
            backend="opensearch",
            opensearch_url=request.getfixturevalue("opensearch_url"),
            index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-",
            data_dir=tmp,
        )
        return OpenSearchStore.from_settings(settings, definition)
    raise ValueError(backend)


def close_backend(store: AssetStore) -> None:
    """Close the store; an OpenSearch store first deletes the indices behind its own aliases."""
    if isinstance(store, OpenSearchStore):
        for lifecycle in store.lifecycles:
            lifecycle.drop()
    store.close()
