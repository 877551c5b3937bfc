"""The worker pool: results in submission order, and a worker that dies mid-run costs no file."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from indexer.derive import DeriveSpec
from indexer.scheduler import DerivePool
from indexer.worker import FileTask, NewContent
from tests.indexer.photos import write_photo


def pool_workers() -> list[int]:
    """Processes forked by this process's fork server (its own children are the pool workers)."""
    servers = [p for p in _children(os.getpid()) if b"forkserver" in Path(f"/proc/{p}/cmdline").read_bytes()]
    return [worker for server in servers for worker in _children(server)]


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_killed_worker_is_replaced_and_every_file_still_comes_back(tmp_path: Path) -> None:
    spec = DeriveSpec(10**8, tmp_path / "thumbs", tmp_path / "previews", 32, 256, 32)
    paths = [write_photo(tmp_path / f"{i}.png", (1500, 1500), seed=i) for i in range(6)]
    results = []
    killed: list[int] = []
    with DerivePool(workers=1, window=6) as pool:
        for path in paths:
            pool.add(FileTask(path, spec))
        for task, result in pool.results():
            if not killed:  # the other files are in flight: kill the worker decoding them
                killed = pool_workers()
                for pid in killed:
                    os.kill(pid, signal.SIGKILL)
            results.append((task.path, result))

    assert killed
    assert [path for path, _ in results] == paths
    assert all(isinstance(result, NewContent) for _, result in results), results
