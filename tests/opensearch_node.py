"""A real OpenSearch node for tests: one per session, shared by every test package that asks.

Use it from a conftest with `from tests.opensearch_node import opensearch_url  # noqa: F401`.
Each conftest that imports the fixture gets its own fixture definition, so the node itself
is kept in the session's `config.stash`: the first caller starts it, every later one reuses
it, and it is stopped when the session ends.

- `LOUPE_OPENSEARCH_URL` set: that cluster is used and nothing is started.
- otherwise `scripts/opensearch-local start --port auto --data <tmp>` (a free port in 9201-9299); if it cannot start,
  tests that need it ERROR with the script's output (never a silent skip), unless
- `LOUPE_TEST_SKIP_OPENSEARCH=1`: those tests are skipped, as an explicit choice.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from loupe_core.settings import REPO_ROOT

URL_ENV = "LOUPE_OPENSEARCH_URL"
SKIP_ENV = "LOUPE_TEST_SKIP_OPENSEARCH"
SCRIPT = REPO_ROOT / "scripts" / "opensearch-local"
START_TIMEOUT_S = 600  # the first start also resolves the jars from Maven Central
STOP_TIMEOUT_S = 60
START_ATTEMPTS = 3


class NodeStartError(RuntimeError):
    """The local node did not come up; the message carries the script's own diagnosis."""


@dataclass(frozen=True)
class SharedNode:
    url: str | None
    problem: str | None


_SHARED_NODE = pytest.StashKey[SharedNode]()


def start_local_node(data_dir: Path, port: int | None = None) -> str:
    """Start (or re-verify) the node for `data_dir`; returns its URL, the script's last stdout line."""
    attempts_left = START_ATTEMPTS
    while True:
        attempts_left -= 1
        chosen = str(port) if port is not None else "auto"
        try:
            done = subprocess.run(
                [str(SCRIPT), "start", "--port", chosen, "--data", str(data_dir)],
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            stop_local_node(data_dir)
            raise NodeStartError(f"{SCRIPT.name} start did not finish within {START_TIMEOUT_S} s") from exc
        lines = done.stdout.strip().splitlines()
        if done.returncode == 0 and lines:
            return lines[-1].strip()
        port_taken = "already in use" in done.stderr
        if port is not None or not port_taken or not attempts_left:
            raise NodeStartError(f"{SCRIPT.name} start exited {done.returncode}:\n{done.stderr[-4000:]}")


def stop_local_node(data_dir: Path) -> None:
    """Safe when nothing runs; the script only ever stops the node it started for `data_dir`."""
    subprocess.run(
        [str(SCRIPT), "stop", "--data", str(data_dir)],
        capture_output=True,
        timeout=STOP_TIMEOUT_S,
        check=False,
    )


def skip_if_opted_out() -> None:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: OpenSearch tests skipped on request")


def shared_node_url(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> str:
    skip_if_opted_out()
    external = os.environ.get(URL_ENV)
    if external:
        return external
    node = config.stash.get(_SHARED_NODE, None)
    if node is None:
        data_dir = tmp_path_factory.mktemp("opensearch-node")
        config.add_cleanup(lambda: stop_local_node(data_dir))
        try:
            node = SharedNode(url=start_local_node(data_dir), problem=None)
        except NodeStartError as exc:
            node = SharedNode(url=None, problem=str(exc))
        config.stash[_SHARED_NODE] = node
    if node.url is None:
        pytest.fail(
            f"the OpenSearch test node could not start (set {URL_ENV} to use a running cluster, "
            f"or {SKIP_ENV}=1 to skip these tests):\n{node.problem}",
            pytrace=False,
        )
    return node.url


@pytest.fixture(scope="session")
def opensearch_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Base URL of a node with the k-NN plugin, started once per session when none is given."""
    return shared_node_url(request.config, tmp_path_factory)
