"""A local multi-node OpenSearch cluster that a fault test or bench can kill and restart node by node.

`scripts/opensearch-local start --nodes N` does the real work (one JVM per node, so one node can
be SIGKILLed); this drives it and always stops every node on exit. The cluster tests in
`tests/cluster` and `bench/cluster_faults.py` share it, so the quick and the long form exercise
the same cluster.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from loupe_core.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "opensearch-local"
START_TIMEOUT_S = 600  # the first start may also resolve the jars from Maven Central
NODE_TIMEOUT_S = 300
STOP_TIMEOUT_S = 120


class ClusterError(RuntimeError):
    """The script failed; the message carries its own diagnosis (stderr tail)."""


def _script(*args: str, timeout_s: float, env: dict[str, str] | None = None) -> str:
    """Run `opensearch-local ARGS`; returns the last stdout line (a URL or URLs)."""
    try:
        done = subprocess.run(
            [str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout_s, check=False, env=env
        )
    except subprocess.TimeoutExpired as exc:
        raise ClusterError(f"opensearch-local {' '.join(args)} did not finish within {timeout_s:g} s") from exc
    if done.returncode != 0:
        raise ClusterError(f"opensearch-local {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}")
    lines = done.stdout.strip().splitlines()
    return lines[-1].strip() if lines else ""


@dataclass
class LocalCluster:
    """The nodes of one data dir; node numbers are 1-based, as the script's."""

    data_dir: Path
    urls: list[str]

    @property
    def url(self) -> str:
        """Every node, comma-separated: what `LOUPE_OPENSEARCH_URL` takes."""
        return ",".join(self.urls)

    def kill(self, node: int) -> None:
        """SIGKILL, no warning: the node's in-flight requests and unflushed state die with it."""
        _script("kill-node", str(node), "--data", str(self.data_dir), timeout_s=60)

    def stop(self, node: int) -> None:
        """SIGTERM and wait: a clean shutdown, as in a rolling restart."""
        _script("stop-node", str(node), "--data", str(self.data_dir), timeout_s=STOP_TIMEOUT_S)

    def start(self, node: int) -> None:
        """Start the node again on its ports and data; returns once it has joined the cluster."""
        _script("start-node", str(node), "--data", str(self.data_dir), timeout_s=NODE_TIMEOUT_S)

    def restart(self, node: int) -> None:
        """One step of a rolling restart: a clean stop, yellow without it, then back and green."""
        nodes = len(self.urls)
        self.stop(node)
        self.wait_for("yellow", nodes - 1)
        self.start(node)
        self.wait_for("green", nodes)

    def health(self, **params: str) -> dict[str, Any]:
        """`_cluster/health` as the first node that answers reports it (a wait that timed out is
        an answer too: HTTP 408 with `timed_out` set)."""
        return self._get("_cluster/health", accept=(200, 408), **params)

    def wait_for(self, status: str, nodes: int, timeout_s: float = NODE_TIMEOUT_S) -> dict[str, Any]:
        """Block until `nodes` nodes have joined and health is at least `status` (and no shard moves)."""
        deadline = time.monotonic() + timeout_s
        while True:
            body = self.health(
                wait_for_status=status, wait_for_nodes=str(nodes), wait_for_no_initializing_shards="true", timeout="10s"
            )
            if not body["timed_out"]:
                return body
            if time.monotonic() > deadline:
                raise ClusterError(f"no {status} health with {nodes} nodes within {timeout_s:g} s: {body}")

    def cluster_manager(self) -> int:
        """The number of the node elected cluster manager now."""
        state = self._get("_cluster/state/cluster_manager_node,nodes")
        return self._number_of(state["nodes"][state["cluster_manager_node"]])

    def primary_holders(self, index: str) -> set[int]:
        """The numbers of the nodes that hold a primary shard of `index` (a concrete index or an alias)."""
        state = self._get(f"_cluster/state/routing_table,nodes/{index}")
        return {
            self._number_of(state["nodes"][copy["node"]])
            for table in state["routing_table"]["indices"].values()
            for copies in table["shards"].values()
            for copy in copies
            if copy["primary"] and copy["node"]
        }

    def _number_of(self, node: dict[str, Any]) -> int:
        """A node's number, found by its transport port: the runner names every node "Node 1"."""
        port = str(node["transport_address"]).rsplit(":", 1)[1]
        for number in range(1, len(self.urls) + 1):
            if (self.data_dir / f"node-{number}" / "transport_port").read_text().strip() == port:
                return number
        raise ClusterError(f"{node['transport_address']} is none of this cluster's nodes")

    def _get(self, path: str, accept: tuple[int, ...] = (200,), **params: str) -> dict[str, Any]:
        """GET from the first node that answers (any node may be down)."""
        problem: Exception | str | None = None
        for url in self.urls:
            try:
                response = httpx.get(f"{url}/{path}", params=params, timeout=120)
            except httpx.HTTPError as exc:
                problem = exc
                continue
            if response.status_code in accept:
                body: dict[str, Any] = response.json()
                return body
            problem = f"HTTP {response.status_code} {response.text[:300]}"
        raise ClusterError(f"no node answers {path}: {problem}")


@contextmanager
def local_cluster(data_dir: Path, nodes: int = 3, heap: str | None = None) -> Iterator[LocalCluster]:
    """Start `nodes` nodes on free ports under `data_dir`; every node is stopped on exit, however it exits."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if heap is not None:
        env["LOUPE_OS_NODE_HEAP"] = heap
    try:
        args = ("start", "--nodes", str(nodes), "--port", "auto", "--data", str(data_dir))
        line = _script(*args, timeout_s=START_TIMEOUT_S, env=env)
        yield LocalCluster(data_dir, line.split(","))
    finally:
        subprocess.run(
            [str(SCRIPT), "stop", "--data", str(data_dir)], capture_output=True, timeout=STOP_TIMEOUT_S, check=False
        )
