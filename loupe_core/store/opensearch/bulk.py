"""Bulk requests as every Loupe writer sends them: batched, retried on 429, failures per document.

The store's writes and deletes and the search log's writes all go through here, so batching,
backoff and how a rejected document is explained are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from opensearchpy.helpers import streaming_bulk

from loupe_core.store.opensearch.client import MAX_RETRIES, Cluster

BULK_CHUNK = 200
BULK_BACKOFF_S = 1
BULK_TIMEOUT_FACTOR = 6


def bulk_results(
    cluster: Cluster,
    actions: Iterable[dict[str, Any]],
    timeout_factor: float | None = BULK_TIMEOUT_FACTOR,
    chunk_size: int = BULK_CHUNK,
    **options: Any,
) -> Iterator[tuple[bool, dict[str, Any]]]:
    """(ok, the item's result) per action; a rejected document is yielded, never raised.

    `timeout_factor` scales the cluster's timeout for each bulk request (None: the client's own
    timeout); `options` go to `streaming_bulk` (e.g. `index`, `raise_on_exception`).
    """
    if timeout_factor is not None:
        options["request_timeout"] = cluster.timeout_s * timeout_factor
    for ok, item in streaming_bulk(
        cluster.client,
        actions,
        chunk_size=chunk_size,
        max_retries=MAX_RETRIES,
        initial_backoff=BULK_BACKOFF_S,
        raise_on_error=False,
        **options,
    ):
        (result,) = item.values()
        yield ok, result


def bulk_failure_reason(result: dict[str, Any]) -> str:
    error = result.get("error")
    if isinstance(error, dict):
        reason = str(error.get("reason", ""))
        if error.get("type") == "cluster_block_exception" and "index write (api)" in reason:
            return f"the index is being rebuilt (loupe reindex) and takes no writes until that ends: {reason}"
        return f"{error.get('type', 'error')}: {reason}"
    return f"status {result.get('status')}: {error}"


def parallel_bulk_results(
    cluster: Cluster, actions: Sequence[dict[str, Any]], threads: int, chunk_size: int, **options: Any
) -> Iterator[tuple[bool, dict[str, Any]]]:
    """`bulk_results` with up to `threads` requests in flight: a node indexes on as many cores as it is fed.

    Each request keeps `bulk_results`' retries. Only for actions on distinct documents, whose
    order between requests does not matter.
    """
    pieces = [actions[start : start + chunk_size] for start in range(0, len(actions), chunk_size)]
    if len(pieces) <= 1 or threads <= 1:
        yield from bulk_results(cluster, actions, chunk_size=chunk_size, **options)
        return

    def send(piece: Sequence[dict[str, Any]]) -> list[tuple[bool, dict[str, Any]]]:
        return list(bulk_results(cluster, piece, chunk_size=chunk_size, **options))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="loupe-bulk") as pool:
        for results in pool.map(send, pieces):
            yield from results
