"""Builds the contract library once per backend; every contract test runs against each backend."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from loupe_core.mapping import load_index_definition
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore
from tests.contract.library import build_library
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)

BACKENDS = ["embedded", pytest.param("opensearch", marks=pytest.mark.opensearch)]


def open_backend(backend: str, tmp: Path, request: pytest.FixtureRequest) -> AssetStore:
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


@pytest.fixture(scope="module")
def library() -> tuple[list[Asset], dict[str, np.ndarray]]:
    return build_library()


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    library: tuple[list[Asset], dict[str, np.ndarray]],
) -> Iterator[AssetStore]:
    """A loaded, read-only store; tests that write use `fresh_store` instead."""
    backend_store = open_backend(request.param, tmp_path_factory.mktemp(request.param), request)
    report = backend_store.upsert(library[0])
    assert report.failures == [] and report.written == len(library[0])
    backend_store.refresh()
    yield backend_store
    close_backend(backend_store)


@pytest.fixture(params=BACKENDS)
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AssetStore]:
    backend_store = open_backend(request.param, tmp_path, request)
    yield backend_store
    close_backend(backend_store)
