"""A local OpenSearch node for a benchmark run, started and always stopped by the script itself.

`scripts/opensearch-local` does the real work (jars, JVM flags, a free port, health check); this
only guarantees that `stop` runs on every exit path.
The heap is raised from the test default (1 GiB) because 100k documents with two HNSW
fields are merged on the heap.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loupe_core.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "opensearch-local"
START_TIMEOUT_S = 600
BENCH_HEAP = "-Xms2g -Xmx2g"


@contextmanager
def local_node(data_dir: Path) -> Iterator[str]:
    """Yields the node's URL; the node is stopped when the block exits, however it exits."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LOUPE_OS_JAVA_OPTS": os.environ.get("LOUPE_OS_JAVA_OPTS", BENCH_HEAP)}
    try:
        done = subprocess.run(
            [str(SCRIPT), "start", "--port", "auto", "--data", str(data_dir)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
            check=False,
            env=env,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"opensearch-local start exited {done.returncode}:\n{done.stderr[-3000:]}")
        yield lines[-1].strip()
    finally:
        subprocess.run([str(SCRIPT), "stop", "--data", str(data_dir)], capture_output=True, timeout=120, check=False)
