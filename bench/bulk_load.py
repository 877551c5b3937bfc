"""Bulk loading into OpenSearch, one practice at a time, against the embedded store, in one run.

    .venv/bin/python bench/bulk_load.py                 # n=20000, a local node started here
    .venv/bin/python bench/bulk_load.py --n 100000 --variants baseline,loupe

The same synthetic library (bench/common_library.py) is loaded into the embedded store, then
into a fresh OpenSearch index per variant, each adding one documented practice to the last:

- baseline       what Loupe did before: 200-document bulks one at a time, the standard library's
                 JSON (float32 vectors written as 17-digit doubles), vectors kept in `_source`,
                 refresh every second; one force-merge at the end (as before);
- load_settings  + `store.bulk_loading()`: refresh off and replicas 0 while loading, restored after;
- bulk_shape     + 500-document bulks, two in flight (`LOUPE_BULK_DOCUMENTS`, `LOUPE_BULK_THREADS`);
- compact        + vectors sent as shortest float32 text (orjson), about half the bytes;
- lean_source    + vectors derived from the vector files, not stored in `_source` (k-NN derived
                   source; get and reindex still return them): this is Loupe's default (`loupe`);
- ef64           + HNSW ef_construction 64 instead of 128 (`LOUPE_HNSW_EF_CONSTRUCTION`).

Per variant: load seconds (bulk, then refresh + merge + health), the ratio to the embedded
store's load, index size, recall@10 of filtered k-NN under ACLs against exact search, and
the latency of hybrid + facets + ACL queries on the loaded index.
Prints a markdown table and one JSON line.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from common_engines import exact_recall, folder_bytes
from common_library import SyntheticLibrary
from common_node import local_node
from common_report import latency_summary, print_json_line, print_table
from opensearchpy import OpenSearch
from query import build_cases

from loupe_core.mapping import IndexDefinition, load_index_definition
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore
from loupe_core.store.opensearch.client import POOL_MAXSIZE, Cluster
from loupe_core.store.opensearch.index_tuning import tuned_assets
from loupe_core.store.opensearch.lifecycle import IndexLifecycle
from loupe_core.store.opensearch.store import BulkPolicy

VARIANTS = ("baseline", "load_settings", "bulk_shape", "compact", "lean_source", "ef64")
LOUPE = "lean_source"
LOAD_CHUNK = 1000
RECALL_QUERIES = 60


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="assets in the synthetic library")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset, `loupe` = lean_source")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--opensearch-url", help="use this node instead of starting one")
    args = parser.parse_args(argv)
    args.variants = [LOUPE if v.strip() == "loupe" else v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    return args


def practices(variant: str) -> set[str]:
    """The practices a variant applies: its own and every earlier one's."""
    return set(VARIANTS[1 : VARIANTS.index(variant) + 1])


def open_store(url: str, variant: str) -> OpenSearchStore:
    """A store with this variant's practices, built from the production pieces."""
    applied = practices(variant)
    settings = Settings(
        backend="opensearch",
        opensearch_url=url,
        index_prefix=f"loupe-bulk-{variant.replace('_', '-')}-{uuid.uuid4().hex[:6]}-",
        opensearch_timeout_s=120,
        hnsw_ef_construction=64 if "ef64" in applied else None,
    )
    definition = tuned_assets(load_index_definition(REPO_ROOT / "mappings", "assets"), settings)
    if "lean_source" not in applied:
        body = copy.deepcopy(definition.body)
        body["settings"]["index"]["knn.derived_source.enabled"] = False
        definition = IndexDefinition(name=definition.name, body=body)
    if "compact" in applied:
        cluster = Cluster.from_settings(settings)
    else:  # opensearch-py's own serializer: the standard library's json
        client = OpenSearch(hosts=[url], timeout=120, max_retries=0, retry_on_timeout=False, pool_maxsize=POOL_MAXSIZE)
        cluster = Cluster(client, url, 120)
    bulk = BulkPolicy(500, 2) if "bulk_shape" in applied else BulkPolicy(200, 1)
    return OpenSearchStore(cluster, IndexLifecycle(cluster, settings.index_prefix, definition), (), None, bulk)


def load_opensearch(store: OpenSearchStore, library: SyntheticLibrary, variant: str) -> dict[str, float]:
    started = time.perf_counter()
    client_cpu = time.process_time()
    loading = store.bulk_loading() if "load_settings" in practices(variant) else nullcontext()
    with loading:
        for chunk in library.chunks(LOAD_CHUNK):
            report = store.upsert(chunk)
            if report.failures:
                raise RuntimeError(f"{variant}: {len(report.failures)} writes failed, first {report.failures[0]}")
        bulk_s = time.perf_counter() - started
    if "load_settings" not in practices(variant):
        store.refresh()
        store.lifecycles[0].cluster.client.indices.forcemerge(
            index=store.alias, max_num_segments=1, request_timeout=3600
        )
        store.refresh()
    total_s = time.perf_counter() - started
    return {
        "load_s": round(total_s, 1),
        "bulk_s": round(bulk_s, 1),
        "finish_s": round(total_s - bulk_s, 1),
        "client_cpu_s": round(time.process_time() - client_cpu, 1),
    }


def recall(store: OpenSearchStore, library: SyntheticLibrary, seed: int) -> float:
    cases = build_cases(library, RECALL_QUERIES, seed)["semantic_acl"]
    found = [exact_recall([h.asset.id for h in store.search(c.loupe_query()).hits], c.exact_top10) for c in cases]
    return round(float(np.mean(found)), 4)


def hybrid_latency(store: OpenSearchStore, library: SyntheticLibrary, seed: int) -> dict[str, float]:
    """What the load left for searches: what a lean `_source` and one segment save a hybrid query."""
    queries = [case.loupe_query() for case in build_cases(library, RECALL_QUERIES, seed)["hybrid_facets_acl"]]
    for query in queries[:5]:
        store.search(query)
    samples = []
    for query in queries:
        started = time.perf_counter()
        store.search(query)
        samples.append(time.perf_counter() - started)
    return latency_summary(samples)


def index_bytes(store: OpenSearchStore) -> int:
    rows = store.lifecycles[0].cluster.client.cat.indices(index=store.alias, format="json", bytes="b")
    return sum(int(row["store.size"]) for row in rows)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    library = SyntheticLibrary(args.n, args.seed)
    figures: dict[str, Any] = {"bench": "bulk_load", "n": args.n, "loadavg_1m_start": round(os.getloadavg()[0], 2)}
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loupe-bulk-")))
        db = workdir / "embedded" / "loupe.sqlite3"
        embedded = EmbeddedStore(db, load_index_definition(REPO_ROOT / "mappings", "assets"))
        started = time.perf_counter()
        for chunk in library.chunks(LOAD_CHUNK):
            embedded.upsert(chunk)
        embedded.refresh()
        figures["embedded"] = {"load_s": round(time.perf_counter() - started, 1), "size_bytes": folder_bytes(db.parent)}
        embedded.close()
        url = args.opensearch_url or stack.enter_context(local_node(workdir / "opensearch-node"))
        figures["variants"] = {}
        for variant in args.variants:
            print(f"loading {variant}", file=sys.stderr, flush=True)
            store = open_store(url, variant)
            try:
                result = load_opensearch(store, library, variant)
                result["vs_embedded"] = round(result["load_s"] / figures["embedded"]["load_s"], 2)
                result["size_bytes"] = index_bytes(store)
                result["recall_at_10"] = recall(store, library, args.seed)
                result["hybrid"] = hybrid_latency(store, library, args.seed)
                figures["variants"][variant] = result
            finally:
                for lifecycle in store.lifecycles:
                    lifecycle.drop()
                store.close()
    figures["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    report(figures)


def report(figures: dict[str, Any]) -> None:
    embedded = figures["embedded"]
    rows: list[list[Any]] = [["embedded", embedded["load_s"], "", "", "", 1.0, embedded["size_bytes"] >> 20, "", ""]]
    for name, f in figures["variants"].items():
        timings = [f["load_s"], f["bulk_s"], f["finish_s"], f["client_cpu_s"], f["vs_embedded"]]
        hybrid = f"{f['hybrid']['p50_ms']} / {f['hybrid']['p95_ms']}"
        rows.append([name, *timings, f["size_bytes"] >> 20, f["recall_at_10"], hybrid])
    print(f"\nBulk load, n={figures['n']}, one node\n")
    headers = ["variant", "load s", "bulk s", "merge s", "client CPU s", "× embedded", "MiB", "recall@10 ACL"]
    headers.append("hybrid p50 / p95 ms")
    print_table(headers, rows)
    print_json_line(figures)


if __name__ == "__main__":
    main()
