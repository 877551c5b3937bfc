"""Keeps the worker processes busy ahead of the encoder: a bounded window of files in flight.

Results come back in submission order, so reports and batches are deterministic, while up to
`window` files are already being decoded behind the one the main process waits for; that is
the prefetch that overlaps decoding and file I/O with encoding.

Workers are forked from a fork server (a clean process started once per main process, with
the worker module preloaded), never from the main process itself: that one runs torch's
thread pools, which do not survive a fork. Each worker still imports the main module again
(multiprocessing's rule; Python 3.11 ignores a `__main__` preload), which costs seconds when
that module imports torch, so `start()` lets workers boot while the main process loads models.

A worker that dies (a decoder crash on a hostile file, the OOM killer) breaks the whole pool;
the file is then retried alone in a fresh pool so that only the culprit fails.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from indexer.report import Reason
from indexer.worker import FileFailure, FileResult, FileTask, prepare_worker, process_file


class DerivePool:
    """`process_file` over queued tasks in worker processes; use as a context manager."""

    def __init__(self, workers: int, window: int) -> None:
        self._workers = workers
        self._window = max(window, workers)
        self._queue: deque[FileTask] = deque()
        self._in_flight: deque[tuple[FileTask, Future[FileResult]]] = deque()
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> DerivePool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._shutdown()

    def start(self) -> None:
        """Boot the workers now rather than on the first task, to overlap their start-up with other work."""
        self._pool().submit(os.getpid)

    def add(self, task: FileTask) -> None:
        """Queue a task behind everything already queued (also while results are being consumed)."""
        self._queue.append(task)

    def results(self) -> Iterator[tuple[FileTask, FileResult]]:
        while self._queue or self._in_flight:
            self._fill()
            task, future = self._in_flight.popleft()
            yield task, self._result_of(task, future)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            # Read when the server starts; imagehash imports scipy's FFT on its first phash, in every worker.
            context.set_forkserver_preload([process_file.__module__, "scipy.fftpack"])
            self._executor = ProcessPoolExecutor(self._workers, mp_context=context, initializer=prepare_worker)
        return self._executor

    def _shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _fill(self) -> None:
        while self._queue and len(self._in_flight) < self._window:
            task = self._queue.popleft()
            self._in_flight.append((task, self._pool().submit(process_file, task)))

    def _result_of(self, task: FileTask, future: Future[FileResult]) -> FileResult:
        try:
            return future.result()
        except BrokenProcessPool:
            return self._after_crash(task)
        except Exception as exc:  # a decoder bug raising past our handlers: this file fails, the run goes on
            return FileFailure(Reason.invalid_image, f"{type(exc).__name__}: {exc}")

    def _after_crash(self, task: FileTask) -> FileResult:
        """Every file in flight was lost with the pool: retry this one alone, then requeue the rest first."""
        lost = [queued for queued, _ in self._in_flight]
        self._in_flight.clear()
        self._shutdown()
        try:
            result = self._pool().submit(process_file, task).result()
        except BrokenProcessPool:
            self._shutdown()
            result = FileFailure(Reason.corrupt, "the image decoder crashed on this file")
        except Exception as exc:
            result = FileFailure(Reason.invalid_image, f"{type(exc).__name__}: {exc}")
        self._queue.extendleft(reversed(lost))
        return result
