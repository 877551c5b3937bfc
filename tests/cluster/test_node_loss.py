"""A 3-node cluster (1 replica) loses a node: SIGKILL, a rolling restart, a reindex, all under searches.

The quick form of `bench/cluster_faults.py`: a few hundred assets and seconds of load, so it runs
in the suite. Every test leaves the cluster green with three nodes, so they can run in any order.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from bench.common_cluster import ClusterError, LocalCluster, local_cluster
from loupe_core.query import FacetName, Filters, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.factory import open_store
from loupe_core.store.opensearch import OpenSearchStore
from tests.cluster.search_probe import Answer, SearchProbe, answer_of
from tests.contract.library import TODAY, build_library
from tests.opensearch_node import SKIP_ENV

pytestmark = [pytest.mark.opensearch, pytest.mark.cluster]

NODES = 3
FILLER = 300  # + the hand-written assets: a few hundred, loaded in about a second
BULK_BATCH = 20
SEARCHES_BEFORE_FAULT = 8


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: OpenSearch tests skipped on request")
    try:
        with local_cluster(tmp_path_factory.mktemp("opensearch-cluster"), NODES) as started:
            yield started
    except ClusterError as exc:
        pytest.fail(f"the 3-node test cluster could not start (or {SKIP_ENV}=1 skips it):\n{exc}", pytrace=False)


def cluster_settings(cluster: LocalCluster, tmp_path: Path, prefix: str) -> Settings:
    """2 shards x 1 replica over 3 nodes: every node holds copies, any one of them may go.

    ef_search above the documents per shard makes HNSW search exhaustive here, so a primary and
    its replica (whose graphs are built apart) return the same neighbours."""
    return Settings(
        backend="opensearch",
        opensearch_url=cluster.url,
        opensearch_timeout_s=30,
        index_prefix=prefix,
        index_shards=2,
        index_replicas=1,
        hnsw_ef_search=500,
        data_dir=tmp_path,
    )


@pytest.fixture(scope="module")
def library() -> tuple[list[Asset], dict[str, np.ndarray]]:
    return build_library(filler=FILLER)


@pytest.fixture(scope="module")
def store(
    cluster: LocalCluster, library: tuple[list[Asset], dict[str, np.ndarray]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpenSearchStore]:
    opened = open_store(cluster_settings(cluster, tmp_path_factory.mktemp("loupe"), "loupe-cluster-"))
    assert isinstance(opened, OpenSearchStore)
    report = opened.upsert(library[0])
    assert report.failures == [] and report.written == len(library[0])
    opened.refresh()
    cluster.wait_for("green", NODES)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def queries(library: tuple[list[Asset], dict[str, np.ndarray]]) -> list[Query]:
    """Keyword with facets, semantic, hybrid with a filter, browse: every request shape the store sends."""
    centres = library[1]
    return [
        Query(text="cat", mode=SearchMode.keyword, today=TODAY, facets=(FacetName.taxonomy, FacetName.tags)),
        Query(mode=SearchMode.semantic, vectors={VectorField.image: centres["Space"].tolist()}, knn_k=40, today=TODAY),
        Query(
            text="coffee",
            mode=SearchMode.hybrid,
            vectors={VectorField.image: centres["Food"].tolist()},
            filters=Filters(owner=("alice", "bob", "carol")),
            knn_k=40,
            today=TODAY,
        ),
        Query(today=TODAY, size=50, facets=(FacetName.owner,)),
    ]


@pytest.fixture(scope="module")
def expected(store: OpenSearchStore, queries: list[Query]) -> list[Answer]:
    """The answers of the healthy, green cluster: what every search must keep returning."""
    return [answer_of(store, query) for query in queries]


def assert_clean(probe: SearchProbe) -> None:
    assert probe.failures == [], f"{len(probe.failures)} of {probe.answered} searches failed: {probe.failures[:3]}"
    assert probe.mismatches == [], f"{len(probe.mismatches)} answers changed: {probe.mismatches[:2]}"
    assert probe.answered > SEARCHES_BEFORE_FAULT


def started_shards(cluster: LocalCluster, index: str) -> list[tuple[str, str, str]]:
    """(shard, p or r, state) of every copy of `index`, sorted."""
    rows = httpx.get(f"{cluster.urls[0]}/_cat/shards/{index}", params={"format": "json"}, timeout=30).json()
    return sorted((row["shard"], row["prirep"], row["state"]) for row in rows)


TWO_BY_TWO = [("0", "p", "STARTED"), ("0", "r", "STARTED"), ("1", "p", "STARTED"), ("1", "r", "STARTED")]


def test_the_index_is_built_with_the_configured_shards_and_replicas(
    cluster: LocalCluster, store: OpenSearchStore
) -> None:
    (index,) = store.lifecycles[0].indices()
    assert started_shards(cluster, index) == TWO_BY_TWO
    (search_log,) = store.lifecycles[1].indices()
    assert started_shards(cluster, search_log) == [("0", "p", "STARTED"), ("0", "r", "STARTED")]


def test_searches_keep_answering_the_same_through_a_sigkill_and_the_node_rejoins(
    cluster: LocalCluster, store: OpenSearchStore, queries: list[Query], expected: list[Answer]
) -> None:
    victim = cluster.cluster_manager()  # the hardest node to lose: the cluster elects a new manager too
    with SearchProbe(store, queries, expected) as probe:
        probe.wait_for_answers(SEARCHES_BEFORE_FAULT)
        cluster.kill(victim)
        health = cluster.wait_for("yellow", NODES - 1)
        probe.wait_for_answers(probe.answered + 2 * len(queries))
    assert_clean(probe)
    assert health["number_of_nodes"] == NODES - 1 and health["status"] == "yellow"
    assert health["unassigned_shards"] > 0, "the lost node's copies are missing, yet every search answered"

    cluster.start(victim)
    assert cluster.wait_for("green", NODES)["number_of_nodes"] == NODES
    assert [answer_of(store, query) for query in queries] == expected


def test_a_bulk_load_through_a_sigkill_resumes_to_the_exact_count(
    cluster: LocalCluster, library: tuple[list[Asset], dict[str, np.ndarray]], tmp_path: Path
) -> None:
    loader = open_store(cluster_settings(cluster, tmp_path, "loupe-cluster-bulk-"))
    assert isinstance(loader, OpenSearchStore)
    assets = library[0]
    failed: list[Asset] = []
    batches_done = threading.Semaphore(0)

    def load() -> None:
        """The loader keeps going through the loss; what failed is kept for the resume, as the
        indexer's journal keeps the files it could not write."""
        by_id = {asset.id: asset for asset in assets}
        for start in range(0, len(assets), BULK_BATCH):
            report = loader.upsert(assets[start : start + BULK_BATCH])
            failed.extend(by_id[failure.asset_id] for failure in report.failures)
            batches_done.release()

    try:
        loader.count()  # creates the index, so that its primaries can be found
        cluster.wait_for("green", NODES)
        victim = min(cluster.primary_holders(loader.alias))
        writer = threading.Thread(target=load)
        writer.start()
        for _ in range(3):
            assert batches_done.acquire(timeout=120)
        cluster.kill(victim)
        writer.join(timeout=300)
        assert not writer.is_alive()

        if failed:  # the resume: what failed is written again, idempotently, by id
            resumed = loader.upsert(failed)
            assert resumed.failures == [] and resumed.written == len(failed)
        loader.refresh()
        assert loader.count() == len(assets)
        assert set(loader.get_many(asset.id for asset in assets)) == {asset.id for asset in assets}

        cluster.start(victim)
        cluster.wait_for("green", NODES)
        assert loader.count() == len(assets)
    finally:
        for lifecycle in loader.lifecycles:
            lifecycle.drop()
        loader.close()


def test_a_rolling_restart_under_search_load_fails_no_search(
    cluster: LocalCluster, store: OpenSearchStore, queries: list[Query], expected: list[Answer]
) -> None:
    """One node at a time, clean shutdowns, each back and green before the next goes (as in production)."""
    with SearchProbe(store, queries, expected) as probe:
        probe.wait_for_answers(SEARCHES_BEFORE_FAULT)
        for node in range(1, NODES + 1):
            cluster.restart(node)
            probe.wait_for_answers(probe.answered + len(queries))
    assert_clean(probe)


def test_loupe_reindex_on_the_cluster_has_no_downtime_and_keeps_every_asset(
    cluster: LocalCluster,
    store: OpenSearchStore,
    queries: list[Query],
    expected: list[Answer],
    library: tuple[list[Asset], dict[str, np.ndarray]],
) -> None:
    before = store.lifecycles[0].indices()
    env = {
        **os.environ,
        "LOUPE_BACKEND": "opensearch",
        "LOUPE_OPENSEARCH_URL": cluster.url,
        "LOUPE_INDEX_PREFIX": "loupe-cluster-",
        "LOUPE_INDEX_SHARDS": "2",
        "LOUPE_INDEX_REPLICAS": "1",
    }
    with SearchProbe(store, queries, expected) as probe:
        probe.wait_for_answers(SEARCHES_BEFORE_FAULT)
        done = subprocess.run(
            [sys.executable, "-m", "loupe_cli.main", "reindex"],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        probe.wait_for_answers(probe.answered + len(queries))
    assert done.returncode == 0, done.stderr[-3000:]
    assert_clean(probe)
    after = store.lifecycles[0].indices()
    assert len(after) == 1 and after != before
    assert store.count() == len(library[0])
    cluster.wait_for("green", NODES)
    assert started_shards(cluster, after[0]) == TWO_BY_TWO
