"""Builds the contract library once per backend; every contract test runs against each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from tests.backends import BACKENDS, close_backend, open_backend
from tests.contract.library import build_library
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)


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
