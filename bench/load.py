"""A bounded load test on loopback: a real `loupe serve` process, an asyncio client, a realistic mix.

    .venv/bin/python bench/load.py --n 20000 --duration 60 --concurrency 8
    .venv/bin/python bench/load.py --quick
    .venv/bin/python bench/load.py --quick --opensearch-url http://127.0.0.1:9201,http://127.0.0.1:9202

Mix: keyword searches, keyword + facet filters, hybrid searches (query encoding included)
and clicks on earlier results. Reports throughput, p50/p99 latency and the error rate, then
checks the search log: what it stored must equal what it says it wrote, and drops are shown.
Traffic goes to 127.0.0.1 only and stops by itself after `--duration` seconds. With
`--opensearch-url` the server runs on that cluster (1 replica, fresh indices under their own
prefix, dropped at the end); `bench/cluster_faults.py` runs this load through node failures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common_library import SyntheticLibrary
from common_report import print_json_line, print_table
from common_server import free_port, wait_healthy

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["mountain", "sunset", "coffee", "team", "product", "storm clouds", "city night", "beach", "portrait", "zzqx"]
MIX = [("keyword", 0.45), ("facets", 0.2), ("hybrid", 0.2), ("click", 0.15)]


def load_settings(data_dir: Path, opensearch_url: str | None) -> Settings:
    """The embedded store, or `opensearch_url`'s cluster with one replica under a fresh prefix."""
    if opensearch_url is None:
        return Settings(data_dir=data_dir)
    return Settings(
        data_dir=data_dir,
        backend="opensearch",
        opensearch_url=opensearch_url,
        index_prefix=f"loupe-load-{uuid.uuid4().hex[:8]}-",
        index_replicas=1,
        opensearch_timeout_s=30,
    )


def server_env(settings: Settings) -> dict[str, str]:
    """What `loupe serve` needs to open the same store as `prepare` filled."""
    env = {**os.environ, "LOUPE_DATA_DIR": str(settings.data_dir), "LOUPE_CLIP_MODEL": ""}
    if settings.backend == "opensearch":
        env |= {
            "LOUPE_BACKEND": "opensearch",
            "LOUPE_OPENSEARCH_URL": settings.opensearch_url,
            "LOUPE_OPENSEARCH_TIMEOUT_S": str(settings.opensearch_timeout_s),
            "LOUPE_INDEX_PREFIX": settings.index_prefix,
            "LOUPE_INDEX_REPLICAS": str(settings.index_replicas),
        }
    return env


def drop_indices(settings: Settings) -> None:
    """A cluster outlives the run: remove what it created there (its own prefix only)."""
    if settings.backend == "opensearch":
        from loupe_core.store.opensearch import OpenSearchStore

        store = open_store(settings)
        if isinstance(store, OpenSearchStore):
            for lifecycle in store.lifecycles:
                lifecycle.drop()
        store.close()


def prepare(settings: Settings, n: int) -> str:
    """Load N synthetic assets into the store and create an admin key for the client."""
    store = open_store(settings)
    library = SyntheticLibrary(n)
    rng = np.random.default_rng(1)
    batch = [library.asset(i, rng) for i in range(n)]
    for start in range(0, n, 2000):
        store.upsert(batch[start : start + 2000])
    store.close()
    accounts = AccountStore(settings.accounts_db_path)
    accounts.add_user("load", Role.admin, [], None, actor="bench")
    key = accounts.create_key("load", "load test", actor="bench")[1]
    accounts.close()
    return key


async def one_request(
    client: httpx.AsyncClient, kind: str, rng: random.Random, query_ids: list[tuple[str, str]]
) -> int:
    if kind == "click" and query_ids:
        query_id, asset_id = rng.choice(query_ids)
        response = await client.post("/api/events/click", json={"query_id": query_id, "asset_id": asset_id,
                                                                "position": rng.randint(1, 10)})  # fmt: skip
        return response.status_code
    params: dict[str, object] = {"q": rng.choice(WORDS), "mode": "hybrid" if kind == "hybrid" else "keyword"}
    if kind == "facets":
        params["status"] = "approved"
        params["orientation"] = rng.choice(["landscape", "portrait"])
    response = await client.get("/api/search", params=params)
    if response.status_code == 200:
        body = response.json()
        if body["hits"]:
            query_ids.append((body["query_id"], body["hits"][0]["asset"]["id"]))
            del query_ids[:-200]
    return response.status_code


async def run_load(
    base: str, key: str, duration: float, concurrency: int, stop: threading.Event | None = None
) -> dict[str, object]:
    """Load for `duration` seconds, or until `stop` is set (a fault sequence in another thread ends)."""
    latencies: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    errors: dict[str, int] = {}
    query_ids: list[tuple[str, str]] = []
    deadline = time.monotonic() + duration
    kinds, weights = zip(*MIX, strict=True)

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                kind = rng.choices(kinds, weights)[0]
                started = time.perf_counter()
                try:
                    status = await one_request(client, kind, rng, query_ids)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies[kind].append(time.perf_counter() - started)
                if status >= 400:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.monotonic() - started
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="assets in the library")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--quick", action="store_true", help="2,000 assets, 10 s")
    parser.add_argument("--opensearch-url", help="run the server on this cluster (comma-separated nodes)")
    args = parser.parse_args()
    if args.quick:
        args.n, args.duration = 2000, 10.0
    with tempfile.TemporaryDirectory(prefix="loupe-load-") as tmp:
        settings = load_settings(Path(tmp), args.opensearch_url)
        key = prepare(settings, args.n)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = server_env(settings)
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/loupe"), "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_healthy(base, server)
            httpx.get(f"{base}/api/search", params={"q": "warm up", "mode": "hybrid"},
                      headers={"Authorization": f"Bearer {key}"}, timeout=60)  # fmt: skip
            result = asyncio.run(run_load(base, key, args.duration, args.concurrency))
            time.sleep(1.0)  # let the log's background writer drain
            log = httpx.get(f"{base}/api/admin/search-log", headers={"Authorization": f"Bearer {key}"}).json()
        finally:
            server.terminate()
            server.wait(timeout=30)
            drop_indices(settings)
    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: dict[str, int] = result["errors"]  # type: ignore[assignment]
    elapsed = float(result["elapsed"])  # type: ignore[arg-type]
    total = sum(len(v) for v in latencies.values())
    rows = []
    for kind, samples in latencies.items():
        ms = np.asarray(samples) * 1000 if samples else np.zeros(1)
        rows.append([kind, len(samples), f"{np.percentile(ms, 50):.1f}", f"{np.percentile(ms, 99):.1f}"])
    every = np.asarray([s for v in latencies.values() for s in v]) * 1000
    error_count = sum(errors.values())
    rows.append(["all", total, f"{np.percentile(every, 50):.1f}", f"{np.percentile(every, 99):.1f}"])
    print_table(["request", "count", "p50 ms", "p99 ms"], rows)
    log_consistent = log["written"] == log["stored_searches"] + log["stored_clicks"]
    verdict = "consistent" if log_consistent else "MISMATCH"
    print(f"\nthroughput {total / elapsed:.1f} req/s over {elapsed:.0f} s with {args.concurrency} clients; "
          f"errors {error_count} ({errors or 'none'}); search log: accepted {log['accepted']}, written "
          f"{log['written']}, dropped {log['dropped']}, failed {log['failed']}, stored "
          f"{log['stored_searches']}+{log['stored_clicks']} ({verdict})")  # fmt: skip
    print_json_line({
        "bench": "load", "n": args.n, "duration_s": round(elapsed, 1), "concurrency": args.concurrency,
        "requests": total, "rps": round(total / elapsed, 1), "p50_ms": round(float(np.percentile(every, 50)), 1),
        "p99_ms": round(float(np.percentile(every, 99)), 1), "errors": error_count,
        "error_rate": round(error_count / max(total, 1), 5), "log_written": log["written"],
        "log_dropped": log["dropped"], "log_failed": log["failed"], "log_consistent": log_consistent,
    })  # fmt: skip
    return 0 if error_count == 0 and log_consistent else 1


if __name__ == "__main__":
    raise SystemExit(main())
