"""The search log: planted searches and clicks give exactly the expected reports; nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loupe_core.analytics.embedded_log import EmbeddedSearchLog
from loupe_core.analytics.events import ClickEvent, Event, SearchEvent
from loupe_core.analytics.recorder import EventRecorder

DAY1, DAY2 = datetime(2026, 5, 1, 10, tzinfo=UTC), datetime(2026, 5, 3, 9, tzinfo=UTC)


def search(qid: str, text: str, count: int, user: str, when: datetime, groups: tuple[str, ...] = ()) -> SearchEvent:
    return SearchEvent(qid, text, "hybrid", count, 12.5, user, groups=groups, timestamp=when)


@pytest.fixture
def log(tmp_path: Path) -> EmbeddedSearchLog:
    store = EmbeddedSearchLog(tmp_path / "analytics.sqlite3")
    store.write(
        [
            search("q1", "Unicorn", 0, "ann", DAY1, ("brand",)),
            search("q2", "unicorn ", 0, "bob", DAY2, ("brand", "science")),
            search("q3", "unicorn", 0, "ann", DAY2),
            search("q4", "pegasus", 0, "ann", DAY2),
            search("q5", "cat", 3, "ann", DAY1),
            search("q6", "cat", 3, "bob", DAY2),
            search("q7", "dog", 2, "bob", DAY2),
            search("q8", "", 40, "bob", DAY2),
            ClickEvent("q5", "cat-1", 1, "ann", DAY1),
            ClickEvent("q5", "cat-2", 3, "ann", DAY1),
        ]
    )
    return store


def test_zero_result_report_counts_exactly(log: EmbeddedSearchLog) -> None:
    report = log.zero_results(date(2026, 5, 1), date(2026, 5, 3))
    assert (report.searches, report.zero_result_searches) == (7, 4)
    assert [(q.query, q.searches, q.users) for q in report.queries] == [("unicorn", 3, 2), ("pegasus", 1, 1)]
    assert report.queries[0].groups == {"brand": 2, "science": 1}
    assert [(d.day.day, d.count) for d in report.trend] == [(1, 1), (2, 0), (3, 3)]


def test_top_queries_with_click_through(log: EmbeddedSearchLog) -> None:
    stats = {s.query: s for s in log.top_queries(date(2026, 5, 1), date(2026, 5, 3))}
    assert list(stats) == ["unicorn", "cat", "dog", "pegasus"]
    assert (stats["cat"].searches, stats["cat"].clicks, stats["cat"].click_through_rate) == (2, 2, 0.5)
    assert stats["cat"].mean_click_position == 2.0
    assert stats["dog"].mean_click_position is None
    no_clicks = [s.query for s in log.top_queries(date(2026, 5, 1), date(2026, 5, 3), no_clicks_only=True)]
    assert no_clicks == ["dog"]


def test_searches_per_day_and_popular_assets(log: EmbeddedSearchLog) -> None:
    assert [d.count for d in log.searches_per_day(date(2026, 5, 1), date(2026, 5, 3))] == [2, 0, 6]
    assert [(p.asset_id, p.clicks) for p in log.popular_assets(date(2026, 5, 1), date(2026, 5, 3))] == [
        ("cat-1", 1),
        ("cat-2", 1),
    ]


def test_recorder_writes_everything_it_accepts(tmp_path: Path) -> None:
    store = EmbeddedSearchLog(tmp_path / "log.sqlite3")
    recorder = EventRecorder(store, capacity=100_000)
    threads = [
        threading.Thread(
            target=lambda n=n: [recorder.record(search(f"{n}-{i}", "x", 1, "u", DAY1)) for i in range(500)]
        )
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorder.flush()
    stats = recorder.stats()
    assert (stats.accepted, stats.written, stats.dropped, stats.failed) == (2000, 2000, 0, 0)
    assert store.counts() == (2000, 0)
    recorder.close()


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
    results = [recorder.record(search(str(i), "x", 1, "u", DAY1)) for i in range(50)]
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
    recorder.record(search("a", "x", 1, "u", DAY1))
    recorder.flush()
    assert (recorder.stats().failed, recorder.stats().written) == (1, 0)
    recorder.close()
