"""The workspace library served by the API, once per backend and module (each test makes its own collections)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loupe_core.encoders.registry import Encoders
from tests.backends import BACKENDS
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)
from tests.workspace_library import Served, served_library


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoders: Encoders
) -> Iterator[Served]:
    with served_library(request.param, tmp_path_factory.mktemp(f"collections-{request.param}"), request, encoders) as s:
        yield s
