"""The recorder: a full queue drops and counts instead of blocking, a failing log counts failures.

The reports, and the recorder writing into each backend's log, are in
tests/contract/test_search_log_contract.py.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from loupe_core.analytics.events import Event, SearchEvent
from loupe_core.analytics.recorder import EventRecorder

DAY1 = datetime(2026, 5, 1, 10, tzinfo=UTC)


def search(qid: str) -> SearchEvent:
    return SearchEvent(qid, "x", "hybrid", 1, 12.5, "u", timestamp=DAY1)


class BlockedSink:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.written: list[Event] = []

    def write(self, events: Sequence[Event]) -> None:
        self.release.wait(5)
        self.written.extend(events)


def test_full_queue_drops_and_counts_instead_of_blocking() -> None:
    sink = BlockedSink()
    recorder = EventRecorder(sink, capacity=10)
    results = [recorder.record(search(str(i))) for i in range(50)]
    sink.release.set()
    recorder.flush()
    stats = recorder.stats()
    assert results.count(False) == stats.dropped > 0
    assert stats.accepted == stats.written == len(sink.written) == results.count(True)
    recorder.close()


def test_failing_sink_counts_failures() -> None:
    class Broken:
        def write(self, events: Sequence[Event]) -> None:
            raise OSError("disk full")

    recorder = EventRecorder(Broken())
    recorder.record(search("a"))
    recorder.flush()
    assert (recorder.stats().failed, recorder.stats().written) == (1, 0)
    recorder.close()
