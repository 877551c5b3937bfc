"""The demo library indexed with `run_index` into each backend and served by the API answers the same.

Issue #3's acceptance: `loupe index` + `loupe serve` on OpenSearch serve the demo with the same
results as the embedded backend. Totals, facet counts and top hits must agree; full keyword
orderings may differ in ties (BM25 statistics are per shard on OpenSearch, per table in FTS5).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.demo_library import DEMO_ASSETS, MANIFEST_NAME, build_demo_library
from indexer.pipeline import run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.backends import close_backend
from tests.indexer.conftest import TEXT_MODEL
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)

pytestmark = pytest.mark.opensearch

QUERIES = [
    {"q": "cat", "mode": "keyword"},
    {"q": "cat", "mode": "hybrid"},
    {"q": "harbour boats", "mode": "keyword"},
    {"q": "coffe", "mode": "keyword"},  # typo
    {"mode": "keyword", "taxonomy": "Animals"},
]


def served_answers(settings: Settings, library: Path, encoders: Encoders) -> list[dict[str, object]]:
    store = open_store(settings)
    try:
        report = run_index(settings, library, library / MANIFEST_NAME, quiet=True, store=store, encoders=encoders)
        assert (report.indexed, report.failed) == (len(DEMO_ASSETS), [])
        store.refresh()
        app = create_app(settings, store=store, encoders=encoders)
        answers = []
        with TestClient(app) as client:
            admin = bearer(seed_role_users(app.state.services.accounts)[Role.admin])
            for params in QUERIES:
                body = client.get("/api/search", params={**params, "facet": ["taxonomy", "tags"]}, headers=admin)
                assert body.status_code == 200, body.text
                found = body.json()
                answers.append(
                    {
                        "total": found["total"],
                        "top": found["hits"][0]["asset"]["id"] if found["hits"] else None,
                        "ids": sorted(h["asset"]["id"] for h in found["hits"]),
                        "facets": {name: sorted(map(str, buckets)) for name, buckets in found["facets"].items()},
                    }
                )
        return answers
    finally:
        close_backend(store)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_demo_library(tmp_path_factory.mktemp("demo-both") / "demo-library")


def test_the_demo_served_from_opensearch_answers_like_the_embedded_backend(
    library: Path,
    tmp_path: Path,
    tiny_clip_dir: Path,
    index_encoders: Encoders,
    opensearch_url: str,  # noqa: F811
) -> None:
    common = {"clip_model": f"local-dir:{tiny_clip_dir}", "text_model": TEXT_MODEL, "device": "cpu"}
    embedded = Settings(data_dir=tmp_path / "embedded", **common)
    opensearch = Settings(
        data_dir=tmp_path / "opensearch",
        backend="opensearch",
        opensearch_url=opensearch_url,
        index_prefix=f"loupe-test-{uuid.uuid4().hex[:8]}-",
        **common,
    )

    on_embedded = served_answers(embedded, library, index_encoders)
    on_opensearch = served_answers(opensearch, library, index_encoders)

    assert on_embedded[0]["top"] == "demo-chelsea" and on_embedded[0]["total"] >= 1
    assert on_opensearch == on_embedded
