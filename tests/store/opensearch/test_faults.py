"""What the OpenSearch store does when the cluster is missing or dies mid-write."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.analytics.events import SearchEvent
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import BackendUnavailable
from loupe_core.mapping import load_index_definition
from loupe_core.principal import Role
from loupe_core.query import Query, SearchMode
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.base import WriteReport
from loupe_core.store.factory import open_store
from loupe_core.store.opensearch import OpenSearchStore
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.opensearch_node import skip_if_opted_out, start_local_node, stop_local_node

pytestmark = pytest.mark.opensearch

ASSETS = load_index_definition(REPO_ROOT / "mappings", "assets")


def closed_port() -> int:
    """A port nothing listens on: bound by the OS, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[tuple[Settings, OpenSearchStore]]:
    settings = Settings(
        backend="opensearch",
        opensearch_url=f"http://127.0.0.1:{closed_port()}",
        opensearch_timeout_s=2,
        data_dir=tmp_path,
    )
    store = open_store(settings)
    assert isinstance(store, OpenSearchStore)
    yield settings, store
    store.close()


def test_unreachable_cluster_fails_fast_with_backend_unavailable(unreachable: tuple[Settings, OpenSearchStore]) -> None:
    _, store = unreachable
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="unreachable"):
        store.search(Query(text="cat", mode=SearchMode.keyword))
    assert time.monotonic() - started < 10


def test_api_answers_503_with_a_json_error(unreachable: tuple[Settings, OpenSearchStore]) -> None:
    settings, store = unreachable
    app = create_app(settings, store=store, encoders=Encoders("", "", "cpu"))
    with TestClient(app) as client:
        keys = seed_role_users(app.state.services.accounts)
        for response in (
            client.get("/healthz"),
            client.get("/api/search", params={"q": "cat", "mode": "keyword"}, headers=bearer(keys[Role.viewer])),
        ):
            assert response.status_code == 503
            assert response.json()["error"] == "backend_unavailable"
            assert "unreachable" in response.json()["detail"]


def test_an_unreachable_search_log_fails_its_writes_never_the_search(tmp_path: Path, opensearch_url: str) -> None:
    """Assets on a live node, the log's node gone: searches answer, each lost batch is counted as failed."""
    prefix = f"loupe-test-{uuid.uuid4().hex[:8]}-"
    live = Settings(backend="opensearch", opensearch_url=opensearch_url, index_prefix=prefix, data_dir=tmp_path)
    store = OpenSearchStore.from_settings(live, ASSETS)
    try:
        assert store.upsert([Asset(id="harbour-1", title="Harbour at dawn")]).written == 1
        store.refresh()
        settings = live.model_copy(
            update={"opensearch_url": f"http://127.0.0.1:{closed_port()}", "opensearch_timeout_s": 2}
        )
        app = create_app(settings, store=store, encoders=Encoders("", "", "cpu"))
        with TestClient(app) as client:
            services = app.state.services
            admin = bearer(seed_role_users(services.accounts)[Role.admin])
            for _ in range(2):  # the second search: the recorder's thread outlived the first failure
                response = client.get("/api/search", params={"q": "harbour", "mode": "keyword"}, headers=admin)
                assert response.status_code == 200
                assert [hit["asset"]["id"] for hit in response.json()["hits"]] == ["harbour-1"]
                services.recorder.flush()
            stats = services.recorder.stats()
            assert (stats.accepted, stats.written, stats.dropped, stats.failed) == (2, 0, 0, 2)
            health = client.get("/api/admin/search-log", headers=admin)
            assert health.status_code == 503 and health.json()["error"] == "backend_unavailable"
            with pytest.raises(BackendUnavailable, match="unreachable"):
                services.search_log.write([SearchEvent("q1", "harbour", "keyword", 1, 2.0, "admin")])
    finally:
        for lifecycle in store.lifecycles:
            lifecycle.drop()
        store.close()


def small_assets(count: int) -> list[Asset]:
    return [
        Asset(id=f"asset-{i:05d}", title=f"Asset number {i}", tags=["bulk"], sha256=f"{i:064x}") for i in range(count)
    ]


def test_killed_node_loses_no_acknowledged_write_and_duplicates_nothing(tmp_path: Path) -> None:
    """SIGKILL mid-bulk, restart on the same data: re-sending everything gives exactly one copy each."""
    skip_if_opted_out()
    data_dir = tmp_path / "node"
    url = start_local_node(data_dir)
    port = int(url.rsplit(":", 1)[1])
    try:
        settings = Settings(backend="opensearch", opensearch_url=url, index_prefix="loupe-fault-", data_dir=tmp_path)
        store = OpenSearchStore.from_settings(settings, ASSETS)
        assets = small_assets(2000)
        reports: list[WriteReport] = []
        some_written = threading.Event()

        def write_in_batches() -> None:
            for start in range(0, len(assets), 100):
                reports.append(store.upsert(assets[start : start + 100]))
                if len(reports) == 3:
                    some_written.set()

        writer = threading.Thread(target=write_in_batches)
        writer.start()
        assert some_written.wait(timeout=30)
        os.kill(int((data_dir / "opensearch.pid").read_text().strip()), signal.SIGKILL)
        writer.join(timeout=60)
        assert not writer.is_alive()

        written = sum(r.written for r in reports)
        failed = [f.asset_id for r in reports for f in r.failures]
        assert written + len(failed) == len(assets), "every document is either written or reported"
        assert failed, "the kill happened mid-way, so some writes must have failed"

        start_local_node(data_dir, port)
        report = store.upsert(assets)
        assert (report.written, report.failures) == (len(assets), [])
        store.refresh()
        assert store.count() == len({a.id for a in assets})
        assert len(store.fingerprints()) == len(assets)
        store.close()
    finally:
        stop_local_node(data_dir)
