"""A full load at engine speed: the index settings OpenSearch's tuning guide gives for one, and the way back.

While a library is loaded whole (`loupe copy-assets`, the copy of `loupe reindex`), nobody
searches the index being filled, so it is run without the costs that only live searches need:

- no refresh (`refresh_interval: -1`): segments are cut only when the indexing buffer fills,
  so there are fewer, larger segments and far fewer HNSW graphs built and merged again;
- no replicas: each document is indexed once, then replicas are copied as whole segments;
- one force-merge at the end (never during), so a k-NN query walks one graph per shard.

Settings are restored however the load ends; only a load that finished is force-merged. The
load ends when the index answers at the health its replica count allows on this cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from loupe_core.store.opensearch.client import Cluster

LOAD_SETTINGS = {"index.refresh_interval": "-1", "index.number_of_replicas": 0}
FORCE_MERGE_SEGMENTS = 1
FORCE_MERGE_TIMEOUT_S = 6 * 3600
HEALTH_TIMEOUT_S = 3600


def current_settings(cluster: Cluster, indices: list[str]) -> dict[str, dict[str, Any]]:
    """Per index, the values `LOAD_SETTINGS` will overwrite (defaults included, so they can be put back)."""
    names = ",".join(LOAD_SETTINGS)
    found: dict[str, Any] = cluster.call(
        "read index settings",
        lambda c: c.indices.get_settings(
            index=",".join(indices), name=names, include_defaults=True, flat_settings=True
        ),
    )
    saved: dict[str, dict[str, Any]] = {}
    for index in indices:
        entry = found.get(index, {})
        values = {**entry.get("defaults", {}), **entry.get("settings", {})}
        saved[index] = {name: values.get(name) for name in LOAD_SETTINGS}
    return saved


def put_settings(cluster: Cluster, index: str, values: dict[str, Any]) -> None:
    cluster.call("update index settings", lambda c: c.indices.put_settings(index=index, body=values))


def finish(cluster: Cluster, indices: list[str], replicas: int) -> None:
    """Refresh, merge each shard to one segment, and wait until the restored replicas are placed."""
    joined = ",".join(indices)
    cluster.call("refresh", lambda c: c.indices.refresh(index=joined))
    cluster.call(
        "force-merge",
        lambda c: c.indices.forcemerge(
            index=joined, max_num_segments=FORCE_MERGE_SEGMENTS, request_timeout=FORCE_MERGE_TIMEOUT_S
        ),
    )
    cluster.call("refresh", lambda c: c.indices.refresh(index=joined))
    nodes = int(cluster.call("cluster health", lambda c: c.cluster.health())["number_of_data_nodes"])
    wanted = "green" if nodes > replicas else "yellow"  # a replica never lands beside its own primary
    cluster.call(
        "cluster health",
        lambda c: c.cluster.health(
            index=joined, wait_for_status=wanted, timeout=f"{HEALTH_TIMEOUT_S}s", request_timeout=HEALTH_TIMEOUT_S + 30
        ),
    )


@contextmanager
def bulk_loading(cluster: Cluster, indices: list[str]) -> Iterator[None]:
    """Load settings on `indices` for the block; restored after it, merged only if it finished."""
    saved = current_settings(cluster, indices)
    for index in indices:
        put_settings(cluster, index, LOAD_SETTINGS)
    try:
        yield
    finally:
        for index, values in saved.items():
            put_settings(cluster, index, values)
    replicas = max(int(values["index.number_of_replicas"] or 0) for values in saved.values())
    finish(cluster, indices, replicas)
