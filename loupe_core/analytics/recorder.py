"""Writes events on a background thread through a bounded queue.

A search never waits for (or fails because of) the log: when the queue is full the event is
dropped and counted, and `stats()` reports written/dropped/failed so nothing is lost silently.
Shutdown never waits for the log either: `close()` gives the queue a bounded time to drain and
counts whatever it could not write, so a log whose store is down cannot hang the process.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from loupe_core.analytics.events import Event

log = logging.getLogger("loupe.analytics")
BATCH = 256
CLOSE_TIMEOUT_S = 5.0
"""How long `close()` lets queued events drain before it drops the rest."""
IDLE_WAKE_S = 0.1
"""How often an idle drain thread looks whether `close()` was called (instead of a sentinel,
which `close()` could not enqueue while the queue is full)."""


class EventSink(Protocol):
    def write(self, events: Sequence[Event]) -> None: ...


@dataclass
class RecorderStats:
    accepted: int = 0
    written: int = 0
    dropped: int = 0
    """Refused by `record()`: the queue was full, or the recorder was closing."""
    failed: int = 0
    dropped_at_close: int = 0
    """Accepted, but still queued (or in a write that had not returned) when `close()` gave up."""


class EventRecorder:
    def __init__(self, sink: EventSink, capacity: int = 10_000, close_timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        self._sink = sink
        self._queue: queue.Queue[Event] = queue.Queue(maxsize=capacity)
        self._stats = RecorderStats()
        self._lock = threading.Lock()
        self._close_timeout_s = close_timeout_s
        self._closing = threading.Event()
        self._deadline = math.inf
        """No write starts after this moment (`time.monotonic()`); set by `close()`."""
        self._in_flight = 0
        self._gave_up = False
        """`close()` has counted everything unwritten; a write returning later changes nothing."""
        self._thread = threading.Thread(target=self._drain, name="loupe-search-log", daemon=True)
        self._thread.start()

    def record(self, event: Event) -> bool:
        if self._closing.is_set():
            return self._refuse()
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            return self._refuse()
        with self._lock:
            self._stats.accepted += 1
        return True

    def stats(self) -> RecorderStats:
        with self._lock:
            return RecorderStats(**vars(self._stats))

    def flush(self) -> None:
        """Block until everything accepted so far is written (or counted as failed or dropped)."""
        self._queue.join()

    def close(self) -> RecorderStats:
        """Stop accepting, let the queue drain for at most `close_timeout_s`, count the rest as dropped.

        Returns within about `close_timeout_s` even when the sink hangs in a write: that write's
        events are counted as dropped too (they were not confirmed written).
        """
        with self._lock:
            self._deadline = min(self._deadline, time.monotonic() + self._close_timeout_s)
        self._closing.set()
        self._thread.join(self._close_timeout_s)
        unwritten = self._discard_queued()
        with self._lock:
            if not self._gave_up:
                unwritten += self._in_flight
                self._gave_up = True
            self._stats.dropped_at_close += unwritten
            stats = RecorderStats(**vars(self._stats))
        if unwritten:
            log.warning("search log closed with %d events unwritten (its store did not keep up)", unwritten)
        return stats

    def _refuse(self) -> bool:
        with self._lock:
            self._stats.dropped += 1
        return False

    def _discard_queued(self) -> int:
        discarded = 0
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return discarded
            self._queue.task_done()
            discarded += 1

    def _drain(self) -> None:
        while (batch := self._next_batch()) is not None:
            if not self._start_write(batch):
                return
            self._write(batch)

    def _next_batch(self) -> list[Event] | None:
        """Up to `BATCH` queued events; None once `close()` was called and the queue is empty."""
        while True:
            try:
                batch = [self._queue.get(timeout=IDLE_WAKE_S)]
                break
            except queue.Empty:
                if self._closing.is_set():
                    return None
        while len(batch) < BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _start_write(self, batch: list[Event]) -> bool:
        """False (the batch counted as dropped) once `close()`'s deadline has passed."""
        with self._lock:
            late = time.monotonic() >= self._deadline
            if late:
                self._stats.dropped_at_close += len(batch)
            else:
                self._in_flight = len(batch)
        if late:
            self._done(batch)
        return not late

    def _write(self, batch: list[Event]) -> None:
        try:
            self._sink.write(batch)
        except Exception:  # the log must never take the service down; failures are counted
            log.exception("search log write failed for %d events", len(batch))
            written = False
        else:
            written = True
        with self._lock:
            self._in_flight = 0
            if not self._gave_up:
                if written:
                    self._stats.written += len(batch)
                else:
                    self._stats.failed += len(batch)
        self._done(batch)

    def _done(self, batch: list[Event]) -> None:
        for _ in batch:
            self._queue.task_done()
