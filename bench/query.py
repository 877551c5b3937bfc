"""Query benchmark: Loupe's embedded and OpenSearch backends against LanceDB, in one run.

    .venv/bin/python bench/query.py --n 100000             # all three engines, node started here
    .venv/bin/python bench/query.py --quick --engines embedded,lancedb
    .venv/bin/python bench/query.py --n 100000 --engines embedded,opensearch,opensearch3 --no-e2e

One synthetic library (bench/common_library.py) is loaded into every engine through its real
write path; then a fixed query mix runs against each, one query at a time (single client):

- keyword             1-2 words, no filter, no facets
- keyword_facets      1-2 words + a taxonomy and file-type filter + the default facets
- semantic_acl        one image-space k-NN list as a viewer whose groups see 1-80% of the library
- hybrid_facets_acl   words + both vectors + the same viewers + the default facets

Query vectors are precomputed, so these are index latencies; `e2e` repeats the semantic and
hybrid queries through `SearchService` with real encoders (query encoding included, cold
cache). recall@10 compares each engine's semantic top 10 with exact search under the same
visibility. Prints a markdown table, then ONE JSON line with every figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from common_cluster import local_cluster
from common_engines import (
    Engine,
    LanceEngine,
    LoupeEngine,
    OpenSearchEngine,
    QueryCase,
    exact_recall,
    folder_bytes,
    library_answers,
)
from common_library import TOPICS, SyntheticLibrary
from common_node import local_node
from common_report import latency_summary, print_json_line, print_table

from loupe_core.encoders.precision import Precision
from loupe_core.mapping import load_index_definition
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.opensearch import OpenSearchStore

KINDS = ("keyword", "keyword_facets", "semantic_acl", "hybrid_facets_acl")
SELECTIVITIES = (0.01, 0.05, 0.2, 0.5, 0.8)
PRINCIPALS_PER_SELECTIVITY = 4
LOAD_CHUNK = 1000
WARMUP_PER_KIND = 5
QUICK_N = 2000
QUICK_QUERIES = 20
INDEX_PREFIX = "loupe-bench-"
CLUSTER_NODES = 3
CLUSTER_HEAP = "1g"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="assets in the synthetic library")
    parser.add_argument("--quick", action="store_true", help=f"n={QUICK_N}, {QUICK_QUERIES} queries a kind, no e2e")
    parser.add_argument(
        "--engines",
        default="embedded,opensearch,lancedb",
        help="comma-separated subset of embedded, opensearch (one node), opensearch3 (3 nodes, 1 shard, 2 replicas), "
        "lancedb",
    )
    parser.add_argument("--queries", type=int, default=100, help="timed queries per kind and engine")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--opensearch-url", help="use this cluster instead of starting a local node")
    parser.add_argument("--lancedb-index", choices=("hnsw", "none"), default="hnsw", help="LanceDB vector index")
    parser.add_argument("--workdir", type=Path, help="keep the loaded engines here and reuse them on the next run")
    parser.add_argument("--e2e", action=argparse.BooleanOptionalAction, default=None, help="encode queries too")
    parser.add_argument("--encoder-threads", type=int, default=1, help="LOUPE_ENCODER_THREADS for e2e")
    parser.add_argument("--encoder-precision", choices=("fp32", "int8"), default="fp32", help="for e2e")
    parser.add_argument("--profile", choices=KINDS, help="pyinstrument the embedded engine on this kind")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = min(args.n, QUICK_N)
        args.queries = min(args.queries, QUICK_QUERIES)
    if args.e2e is None:
        args.e2e = not args.quick
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - {"embedded", "opensearch", "opensearch3", "lancedb"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return args


# -- the query mix ------------------------------------------------------------------------------
def build_cases(library: SyntheticLibrary, count: int, seed: int) -> dict[str, list[QueryCase]]:
    rng = np.random.default_rng([seed, 1])
    principals = [
        (selectivity, *library.principal_for(selectivity, rng))
        for selectivity in SELECTIVITIES
        for _ in range(PRINCIPALS_PER_SELECTIVITY)
    ]
    images, texts = library.query_vectors(rng, count)
    topics = list(TOPICS)

    def words() -> str:
        return " ".join(library.popular_words(rng, int(rng.integers(1, 3))))

    cases: dict[str, list[QueryCase]] = defaultdict(list)
    for i in range(count):
        target, principal, _share = principals[i % len(principals)]
        cases["keyword"].append(QueryCase("keyword", text=words()))
        cases["keyword_facets"].append(
            QueryCase(
                "keyword_facets",
                text=words(),
                taxonomy=(str(rng.choice(topics)),),
                file_type=("jpeg", "png"),
                facets=True,
            )
        )
        semantic = QueryCase("semantic_acl", image=images[i], principal=principal, selectivity=target)
        cases["semantic_acl"].append(dataclasses.replace(semantic, exact_top10=library_answers(library, semantic)))
        cases["hybrid_facets_acl"].append(
            QueryCase(
                "hybrid_facets_acl",
                text=words(),
                image=images[i],
                text_vector=texts[i],
                principal=principal,
                facets=True,
                selectivity=target,
            )
        )
    return cases


# -- engines ------------------------------------------------------------------------------------
@contextmanager
def open_engines(args: argparse.Namespace, workdir: Path) -> Iterator[dict[str, Engine]]:
    definition = load_index_definition(REPO_ROOT / "mappings", "assets")
    engines: dict[str, Engine] = {}
    with ExitStack() as stack:
        if "embedded" in args.engines:
            db = workdir / "embedded" / "loupe.sqlite3"
            store = EmbeddedStore(db, definition)
            engines["embedded"] = LoupeEngine("embedded", store, lambda: folder_bytes(db.parent))
        if "opensearch" in args.engines:
            url = args.opensearch_url or stack.enter_context(local_node(workdir / "opensearch-node"))
            prefix = INDEX_PREFIX if args.workdir else f"{INDEX_PREFIX}{uuid.uuid4().hex[:6]}-"
            settings = Settings(
                backend="opensearch", opensearch_url=url, index_prefix=prefix, data_dir=workdir, opensearch_timeout_s=60
            )
            store = OpenSearchStore.from_settings(settings, definition)
            engines["opensearch"] = OpenSearchEngine(store, url, prefix, drop_on_close=args.workdir is None)
        if "opensearch3" in args.engines:
            cluster = stack.enter_context(local_cluster(workdir / "opensearch-cluster", CLUSTER_NODES, CLUSTER_HEAP))
            prefix = f"{INDEX_PREFIX}{uuid.uuid4().hex[:6]}-"
            settings = Settings(
                backend="opensearch",
                opensearch_url=cluster.url,
                index_prefix=prefix,
                data_dir=workdir,
                opensearch_timeout_s=60,
                index_shards=1,  # 100k vectors are one shard's worth (see README Capacity); every node holds a copy
                index_replicas=CLUSTER_NODES - 1,
            )
            store = OpenSearchStore.from_settings(settings, definition)
            engines["opensearch3"] = OpenSearchEngine(store, cluster.urls[0], prefix, True, name="opensearch3")
        if "lancedb" in args.engines:
            folder = workdir / "lancedb"
            engines["lancedb"] = LanceEngine(folder, args.lancedb_index, fresh=not (folder / "assets.lance").exists())
        try:
            yield engines
        finally:
            for engine in engines.values():
                engine.close()


def load(library: SyntheticLibrary, engines: dict[str, Engine]) -> dict[str, float]:
    """Load every engine that does not already hold this library; returns seconds per engine."""
    pending = {name: e for name, e in engines.items() if e.count() != library.n}
    seconds: dict[str, float] = defaultdict(float)
    for number, chunk in enumerate(library.chunks(LOAD_CHUNK)):
        for name, engine in pending.items():
            started = time.perf_counter()
            engine.load(chunk)
            seconds[name] += time.perf_counter() - started
        if number % 10 == 0:
            print(f"loaded {(number + 1) * LOAD_CHUNK}/{library.n}", file=sys.stderr, flush=True)
    for name, engine in pending.items():
        started = time.perf_counter()
        engine.finish_load()
        seconds[name] += time.perf_counter() - started
    return {name: round(s, 1) for name, s in seconds.items()}


# -- measuring ----------------------------------------------------------------------------------
def measure(engine: Engine, cases: dict[str, list[QueryCase]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for kind, kind_cases in cases.items():
        prepared = [engine.prepare(case) for case in kind_cases]
        for item in prepared[:WARMUP_PER_KIND]:
            engine.run(item)
        samples: list[float] = []
        recalls: dict[float, list[float]] = defaultdict(list)
        for case, item in zip(kind_cases, prepared, strict=True):
            started = time.perf_counter()
            ids = engine.run(item)
            samples.append(time.perf_counter() - started)
            if case.exact_top10 and case.selectivity is not None:
                recalls[case.selectivity].append(exact_recall(ids, case.exact_top10))
        figures[kind] = latency_summary(samples)
        if recalls:
            everything = [r for values in recalls.values() for r in values]
            figures[kind]["recall_at_10"] = round(float(np.mean(everything)), 4)
            figures[kind]["recall_by_selectivity"] = {
                str(s): round(float(np.mean(v)), 4) for s, v in sorted(recalls.items())
            }
    return figures


def profile_embedded(engine: Engine, cases: list[QueryCase]) -> None:
    from pyinstrument import Profiler

    prepared = [engine.prepare(case) for case in cases]
    profiler = Profiler(interval=0.0005)
    with profiler:
        for item in prepared:
            engine.run(item)
    print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)


def end_to_end(
    engines: dict[str, Engine], cases: dict[str, list[QueryCase]], threads: int, precision: Precision
) -> dict[str, Any]:
    """Semantic and hybrid through SearchService: CLIP + MiniLM query encoding, cold cache."""
    from common_models import TEXT_MODEL, clip_spec

    from loupe_core.encoders.registry import Encoders
    from loupe_core.query import SearchMode
    from loupe_core.search_service import SearchService

    encoders = Encoders(clip_spec(), TEXT_MODEL, "cpu", precision=precision, threads=threads)
    encoders.clip(), encoders.text()
    figures: dict[str, Any] = {}
    for name, engine in engines.items():
        if not isinstance(engine, LoupeEngine):
            continue
        service = SearchService(engine.store, encoders, max_image_pixels=10**8)
        figures[name] = {}
        for kind in ("semantic_acl", "hybrid_facets_acl"):
            encode_s: list[float] = []
            total_s: list[float] = []
            for number, case in enumerate(cases[kind]):
                # A unique text per query and engine: every query pays for encoding (cache miss).
                text = f"{case.text or 'photo'} {name} {kind} {number}"
                mode = SearchMode.semantic if kind == "semantic_acl" else SearchMode.hybrid
                query = case.loupe_query().model_copy(update={"text": text, "vectors": {}, "mode": mode})
                started = time.perf_counter()
                service.text_vectors(f"probe {text}")
                encode_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                service.search(query)
                total_s.append(time.perf_counter() - started)
            figures[name][kind] = {**latency_summary(total_s), "encode_p50_ms": latency_summary(encode_s)["p50_ms"]}
    return figures


def embedded_rss(db: Path) -> float:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("common_rss_probe.py")), str(db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["rss_mb"])


# -- main ---------------------------------------------------------------------------------------
def prepare_workdir(args: argparse.Namespace, stack: ExitStack) -> Path:
    if args.workdir is None:
        return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loupe-bench-")))
    workdir: Path = args.workdir.resolve()
    manifest = workdir / "manifest.json"
    wanted = {"n": args.n, "seed": args.seed, "lancedb_index": args.lancedb_index}
    if workdir.exists() and (not manifest.exists() or json.loads(manifest.read_text()) != wanted):
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(wanted))
    return workdir


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    library = SyntheticLibrary(args.n, args.seed)
    cases = build_cases(library, args.queries, args.seed)
    figures: dict[str, Any] = {"bench": "query", "n": args.n, "queries_per_kind": args.queries, "engines": {}}
    # Shared machines: the load average tells a reader whether other work skewed the figures.
    figures["loadavg_1m_start"] = round(os.getloadavg()[0], 2)
    with ExitStack() as stack:
        workdir = prepare_workdir(args, stack)
        engines = stack.enter_context(open_engines(args, workdir))
        figures["load_s"] = load(library, engines)
        for name, engine in engines.items():
            print(f"measuring {name}", file=sys.stderr, flush=True)
            figures["engines"][name] = measure(engine, cases)
            figures["engines"][name]["size_bytes"] = engine.size_bytes()
        if args.profile and "embedded" in engines:
            profile_embedded(engines["embedded"], cases[args.profile])
        if args.e2e:
            figures["e2e"] = end_to_end(engines, cases, args.encoder_threads, args.encoder_precision)
            figures["e2e_encoder_threads"] = args.encoder_threads
            figures["e2e_encoder_precision"] = args.encoder_precision
        if "embedded" in engines:
            figures["engines"]["embedded"]["rss_mb"] = embedded_rss(workdir / "embedded" / "loupe.sqlite3")
    figures["ratios_vs_lancedb"] = ratios(figures["engines"], "lancedb")
    figures["ratios_vs_embedded"] = ratios(figures["engines"], "embedded")
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    figures["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    report(figures)


def ratios(engines: dict[str, Any], peer_name: str) -> dict[str, dict[str, float]]:
    """p95 of each engine divided by the peer's p95 on the same kind (< 1 means faster)."""
    peer = engines.get(peer_name)
    if not peer:
        return {}
    return {
        name: {kind: round(f[kind]["p95_ms"] / peer[kind]["p95_ms"], 2) for kind in KINDS if peer[kind].get("p95_ms")}
        for name, f in engines.items()
        if name != peer_name
    }


def report(figures: dict[str, Any]) -> None:
    rows = []
    for name, engine in figures["engines"].items():
        for kind in KINDS:
            f = engine[kind]
            ratio = figures["ratios_vs_lancedb"].get(name, {}).get(kind, 1.0 if name == "lancedb" else "")
            to_embedded = figures["ratios_vs_embedded"].get(name, {}).get(kind, 1.0 if name == "embedded" else "")
            latency = [f["p50_ms"], f["p95_ms"], f["p99_ms"], f["qps"]]
            rows.append([name, kind, *latency, f.get("recall_at_10", ""), to_embedded, ratio])
    loads = figures["load_s"]
    base = loads.get("embedded")
    told = ", ".join(
        f"{name} {seconds} s" + (f" ({seconds / base:.2f}× embedded)" if base and name != "embedded" else "")
        for name, seconds in loads.items()
    )
    print(f"\nLoad (bulk + merge), n={figures['n']}: {told or 'reused'}")
    print(f"\nQuery latency, n={figures['n']}, {figures['queries_per_kind']} queries per kind, single client\n")
    headers = ["engine", "query", "p50 ms", "p95 ms", "p99 ms", "qps", "recall@10", "p95 / embedded", "p95 / lancedb"]
    print_table(headers, rows)
    if figures.get("e2e"):
        print("\nEnd to end with query encoding (cold cache)\n")
        e2e_rows = [
            [name, kind, f["p50_ms"], f["p95_ms"], f["p99_ms"], f["encode_p50_ms"]]
            for name, kinds in figures["e2e"].items()
            for kind, f in kinds.items()
        ]
        print_table(["engine", "query", "p50 ms", "p95 ms", "p99 ms", "encode p50 ms"], e2e_rows)
    print()
    print_json_line(figures)


if __name__ == "__main__":
    main()
