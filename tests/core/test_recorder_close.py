"""Shutdown with the search log's store down: `EventRecorder.close()` returns in bounded time
and counts every accepted event as written, failed or dropped at close."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from loupe_core.analytics.events import Event, SearchEvent
from loupe_core.analytics.recorder import EventRecorder, RecorderStats

CLOSE_S = 0.5
GRACE_S = 3.0
"""How long a test waits for `close()` before calling it hung (it takes about `CLOSE_S`; the rest is
room for a busy machine)."""


def search(n: int) -> SearchEvent:
    return SearchEvent(f"q{n}", "storm", "hybrid", 3, 12.5, "u", timestamp=datetime(2026, 5, 1, tzinfo=UTC))


class HungSink:
    """A store that stopped answering: every write blocks until the test releases it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def write(self, events: Sequence[Event]) -> None:
        self.entered.set()
        self.release.wait(30)


class DownSink:
    """A store that is down: each write times out after a while, then raises."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0

    def write(self, events: Sequence[Event]) -> None:
        self.calls += 1
        time.sleep(self.seconds)
        raise ConnectionError("search log unreachable")


class GoodSink:
    def __init__(self) -> None:
        self.written: list[Event] = []

    def write(self, events: Sequence[Event]) -> None:
        self.written.extend(events)


def close_within(recorder: EventRecorder, seconds: float) -> tuple[RecorderStats, float]:
    """Closes on a helper thread, so a hanging `close()` fails the test instead of stalling it."""
    result: list[RecorderStats] = []
    closer = threading.Thread(target=lambda: result.append(recorder.close()), daemon=True)
    started = time.monotonic()
    closer.start()
    closer.join(seconds)
    assert not closer.is_alive(), f"close() still blocked after {seconds} s"
    return result[0], time.monotonic() - started


def test_close_with_a_hung_store_and_a_full_queue_returns_and_counts_every_unwritten_event() -> None:
    sink = HungSink()
    recorder = EventRecorder(sink, capacity=10, close_timeout_s=CLOSE_S)
    assert recorder.record(search(0))
    assert sink.entered.wait(5)  # the first event is stuck in a write
    results = [recorder.record(search(n)) for n in range(1, 30)]
    assert results.count(True) == 10  # the queue is full behind the stuck write

    stats, took = close_within(recorder, GRACE_S)

    assert took >= CLOSE_S  # it did wait for the stuck write, as long as it was allowed to
    assert stats == RecorderStats(accepted=11, written=0, dropped=19, failed=0, dropped_at_close=11)
    assert not recorder.record(search(99))  # closed: refused and counted, never queued
    assert recorder.stats().dropped == 20
    sink.release.set()  # the stuck write returning late changes no count
    time.sleep(0.3)
    assert recorder.stats().dropped_at_close == 11 and recorder.stats().written == 0


def test_close_with_a_store_that_times_out_drains_for_the_bound_then_drops_the_rest() -> None:
    sink = DownSink(seconds=0.2)
    recorder = EventRecorder(sink, capacity=2000, close_timeout_s=CLOSE_S)
    for n in range(1000):
        assert recorder.record(search(n))

    stats, _ = close_within(recorder, GRACE_S)

    assert stats.accepted == 1000 and stats.written == 0
    assert 0 < stats.failed < 1000  # some batches were tried (and failed) before the deadline
    assert stats.failed + stats.dropped_at_close == 1000
    assert sink.calls <= 4


def test_close_with_a_healthy_store_writes_everything_first() -> None:
    sink = GoodSink()
    recorder = EventRecorder(sink, capacity=1000, close_timeout_s=CLOSE_S)
    for n in range(600):
        recorder.record(search(n))

    stats, _ = close_within(recorder, GRACE_S)

    assert stats == RecorderStats(accepted=600, written=600)
    assert [e.query_id for e in sink.written] == [f"q{n}" for n in range(600)]
    assert close_within(recorder, GRACE_S)[0] == stats  # closing twice is harmless
