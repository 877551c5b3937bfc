"""Writes events on a background thread through a bounded queue.

A search never waits for (or fails because of) the log: when the queue is full the event is
dropped and counted, and `stats()` reports written/dropped/failed so nothing is lost silently.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from loupe_core.analytics.events import Event

log = logging.getLogger("loupe.analytics")
BATCH = 256


class EventSink(Protocol):
    def write(self, events: Sequence[Event]) -> None: ...


@dataclass
class RecorderStats:
    accepted: int = 0
    written: int = 0
    dropped: int = 0
    failed: int = 0


class EventRecorder:
    def __init__(self, sink: EventSink, capacity: int = 10_000) -> None:
        self._sink = sink
        self._queue: queue.Queue[Event | None] = queue.Queue(maxsize=capacity)
        self._stats = RecorderStats()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, name="loupe-search-log", daemon=True)
        self._thread.start()

    def record(self, event: Event) -> bool:
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            with self._lock:
                self._stats.dropped += 1
            return False
        with self._lock:
            self._stats.accepted += 1
        return True

    def stats(self) -> RecorderStats:
        with self._lock:
            return RecorderStats(**vars(self._stats))

    def flush(self) -> None:
        """Block until everything accepted so far is written (or counted as failed)."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _drain(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                self._queue.task_done()
                return
            batch: list[Event] = [first]
            while len(batch) < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.task_done()
                    self._write(batch)
                    return
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[Event]) -> None:
        try:
            self._sink.write(batch)
        except Exception:  # the log must never take the service down; failures are counted
            log.exception("search log write failed for %d events", len(batch))
            with self._lock:
                self._stats.failed += len(batch)
        else:
            with self._lock:
                self._stats.written += len(batch)
        finally:
            for _ in batch:
                self._queue.task_done()
