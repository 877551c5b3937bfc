"""Node failures on a local 3-node cluster under `bench/load.py`'s search load: what clients see.

    .venv/bin/python bench/cluster_faults.py --n 20000 --concurrency 4
    .venv/bin/python bench/cluster_faults.py --quick

A `loupe serve` process on the cluster (1 replica, so any one node may go) takes load.py's
mix of keyword, faceted and hybrid searches and clicks while these happen in turn:

- baseline: nothing, for `--baseline` seconds;
- sigkill: the elected cluster manager is SIGKILLed; load goes on until the cluster is yellow
  on two nodes, then the node is started again and the load ends when the cluster is green;
- rolling: each node in turn is stopped cleanly, started again, and waited for until green.

A failed request is any HTTP error status or transport error. The long form of the quick
checks in tests/cluster; the machine's two cores are shared by three nodes, the server and
the load, so latencies are those of an overloaded laptop, not of a cluster.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common_cluster import LocalCluster, local_cluster
from common_report import print_json_line, print_table
from common_server import free_port, wait_healthy
from load import drop_indices, load_settings, prepare, run_load, server_env

ROOT = Path(__file__).resolve().parent.parent
NODES = 3
NODE_HEAP = "768m"


def sigkill_and_rejoin(cluster: LocalCluster, lead_s: float, marks: dict[str, float]) -> None:
    started = time.monotonic()
    time.sleep(lead_s)
    victim = cluster.cluster_manager()
    cluster.kill(victim)
    marks["killed_at_s"] = time.monotonic() - started
    cluster.wait_for("yellow", NODES - 1)
    marks["yellow_after_s"] = time.monotonic() - started - marks["killed_at_s"]
    time.sleep(lead_s)  # serve a while on two nodes
    cluster.start(victim)
    cluster.wait_for("green", NODES)
    marks["green_after_s"] = time.monotonic() - started - marks["killed_at_s"]


def rolling_restart(cluster: LocalCluster, lead_s: float, marks: dict[str, float]) -> None:
    started = time.monotonic()
    time.sleep(lead_s)
    for node in range(1, NODES + 1):
        cluster.restart(node)
    marks["restart_s"] = time.monotonic() - started - lead_s


def under_load(
    base: str, key: str, concurrency: int, fault: Callable[[dict[str, float]], None] | None, duration: float
) -> tuple[dict[str, object], dict[str, float]]:
    """Load until the fault sequence ends (or for `duration` with no fault)."""
    marks: dict[str, float] = {}
    if fault is None:
        return asyncio.run(run_load(base, key, duration, concurrency)), marks
    sequence = fault  # narrowed to a callable here, where the nested function can see it
    stop = threading.Event()
    problems: list[BaseException] = []

    def run_fault() -> None:
        try:
            sequence(marks)
        except BaseException as exc:  # the load must end and the bench report it, whatever failed
            problems.append(exc)
        finally:
            stop.set()

    thread = threading.Thread(target=run_fault, name="fault")
    thread.start()
    result = asyncio.run(run_load(base, key, 3600, concurrency, stop))
    thread.join()
    if problems:
        raise problems[0]
    return result, marks


def phase_row(name: str, result: dict[str, object], marks: dict[str, float]) -> dict[str, object]:
    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: dict[str, int] = result["errors"]  # type: ignore[assignment]
    every = np.asarray([s for samples in latencies.values() for s in samples]) * 1000
    return {
        "phase": name,
        "seconds": round(float(result["elapsed"]), 1),  # type: ignore[arg-type]
        "requests": len(every),
        "failed": sum(errors.values()),
        "errors": errors,
        "p50_ms": round(float(np.percentile(every, 50)), 1) if len(every) else None,
        "p99_ms": round(float(np.percentile(every, 99)), 1) if len(every) else None,
        "max_ms": round(float(every.max()), 1) if len(every) else None,
        **{k: round(v, 1) for k, v in marks.items()},
    }


def run_phases(
    cluster: LocalCluster, workdir: Path, n: int, concurrency: int, baseline_s: float
) -> list[dict[str, object]]:
    """Load the library, serve it from the cluster, and run each phase under load."""
    settings = load_settings(workdir, cluster.url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = prepare(settings, n)
    cluster.wait_for("green", NODES)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/loupe"), "serve", "--port", str(port)],
        env=server_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    lead_s = baseline_s / 2
    phases: list[tuple[str, Callable[[dict[str, float]], None] | None]] = [
        ("baseline", None),
        ("sigkill", lambda marks: sigkill_and_rejoin(cluster, lead_s, marks)),
        ("rolling", lambda marks: rolling_restart(cluster, lead_s, marks)),
    ]
    try:
        wait_healthy(base, server)
        httpx.get(f"{base}/api/search", params={"q": "warm up", "mode": "hybrid"},
                  headers={"Authorization": f"Bearer {key}"}, timeout=60)  # fmt: skip
        return [phase_row(name, *under_load(base, key, concurrency, fault, baseline_s)) for name, fault in phases]
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop_indices(settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="assets in the library")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients")
    parser.add_argument("--baseline", type=float, default=20.0, help="seconds of load with no fault")
    parser.add_argument("--quick", action="store_true", help="2,000 assets, 5 s baseline")
    args = parser.parse_args()
    if args.quick:
        args.n, args.baseline = 2000, 5.0
    t0 = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="loupe-cluster-faults-") as tmp,
        local_cluster(Path(tmp) / "cluster", NODES, heap=NODE_HEAP) as cluster,
    ):
        start_s = time.monotonic() - t0
        rows = run_phases(cluster, Path(tmp) / "loupe", args.n, args.concurrency, args.baseline)
    headers = ["phase", "seconds", "requests", "failed", "p50 ms", "p99 ms", "max ms", "node events"]
    table = []
    for row in rows:
        events = ", ".join(f"{k} {row[k]}" for k in ("yellow_after_s", "green_after_s", "restart_s") if k in row)
        table.append([row["phase"], row["seconds"], row["requests"], row["failed"], row["p50_ms"], row["p99_ms"],
                      row["max_ms"], events or "-"])  # fmt: skip
    print_table(headers, table)
    failed = sum(int(str(row["failed"])) for row in rows)
    print(f"\n{NODES} nodes ({NODE_HEAP} heap each), {args.n} assets, 1 replica, {args.concurrency} clients; "
          f"cluster start {start_s:.0f} s; failed requests {failed}")  # fmt: skip
    print_json_line({"bench": "cluster_faults", "nodes": NODES, "n": args.n, "concurrency": args.concurrency,
                     "cluster_start_s": round(start_s, 1), "failed": failed, "phases": rows})  # fmt: skip
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
