"""The search log on every backend: planted searches and clicks give exactly the same, known reports.

The period is 2026-05-01..2026-05-03. Around the reports' rules, the plant holds the cases
that tell them apart: a page-2 search, searches just outside the period, browsing without
text, a rescued zero-result search that was clicked twice, a click after the period on a
search inside it, and a click whose search was never logged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.events import ClickEvent, Event, SearchEvent
from loupe_core.analytics.recorder import EventRecorder
from tests.backends import BACKENDS, close_search_log, open_search_log_backend

SINCE, UNTIL = date(2026, 5, 1), date(2026, 5, 3)
DAY1, DAY2 = datetime(2026, 5, 1, 10, tzinfo=UTC), datetime(2026, 5, 3, 9, tzinfo=UTC)
LATE = datetime(2026, 5, 3, 17, 45, 12, 123456, tzinfo=UTC)
BEFORE, AFTER = datetime(2026, 4, 30, 23, 59, tzinfo=UTC), datetime(2026, 5, 4, 0, 1, tzinfo=UTC)


def search(
    qid: str, text: str, count: int, user: str, when: datetime, groups: tuple[str, ...] = (), **extra: Any
) -> SearchEvent:
    return SearchEvent(qid, text, "hybrid", count, 12.5, user, groups=groups, timestamp=when, **extra)


PLANTED: list[Event] = [
    search("q1", "Unicorn", 0, "ann", DAY1, ("brand",), session_id="s-ann"),
    search("q2", "unicorn ", 0, "bob", DAY2, ("brand", "science")),
    search("q3", "unicorn", 0, "ann", LATE, rescued=True),
    search("q4", "pegasus", 0, "ann", DAY2),
    search("q5", "cat", 3, "ann", DAY1, filters={"tags": ["cat"], "created_from": "2026-01-01"}),
    search("q6", "Cat", 3, "bob", DAY2),
    search("q7", "dog", 2, "bob", DAY2, filters={"taxonomy": ["Animals/Dogs"], "license": ["valid", "expiring"]}),
    search("q8", "dog", 2, "ann", DAY1),
    search("q9", "dog", 2, "carol", DAY2),
    search("q10", "bird", 5, "carol", DAY2),
    search("q11", "ghost", 0, "carol", DAY1, rescued=True),
    search("q12", "", 40, "bob", DAY2),
    search("q13", "cat", 3, "ann", DAY1, page=2),
    search("q14", "unicorn", 0, "ann", BEFORE),
    search("q15", "zebra", 4, "ann", AFTER),
    search("q16", "bird", 5, "ann", DAY1),
    search("q17", "owl", 1, "bob", DAY2),
    ClickEvent("q5", "cat-1", 1, "ann", DAY1),
    ClickEvent("q5", "cat-2", 3, "ann", DAY1),
    ClickEvent("q6", "cat-1", 3, "bob", AFTER),
    ClickEvent("q8", "dog-1", 4, "ann", DAY1),
    ClickEvent("q11", "ghost-1", 1, "carol", DAY1),
    ClickEvent("q11", "ghost-2", 2, "carol", DAY1),
    ClickEvent("q13", "cat-3", 11, "ann", DAY1),
    ClickEvent("never-logged", "cat-1", 1, "dave", DAY2),
    ClickEvent("q15", "zebra-1", 1, "ann", AFTER),
]


@pytest.fixture(scope="module", params=BACKENDS)
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchLog]:
    """The planted log, written in one batch; read-only (tests that write use `fresh_log`)."""
    opened = open_search_log_backend(request.param, tmp_path_factory.mktemp(request.param), request)
    opened.write(PLANTED)
    yield opened
    close_search_log(opened)


@pytest.fixture(params=BACKENDS)
def fresh_log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchLog]:
    opened = open_search_log_backend(request.param, tmp_path, request)
    yield opened
    close_search_log(opened)


# -- zero results ---------------------------------------------------------------------------
def test_zero_result_report_counts_exactly(log: SearchLog) -> None:
    report = log.zero_results(SINCE, UNTIL)
    assert (report.searches, report.zero_result_searches) == (13, 5)
    assert [(q.query, q.searches, q.users, q.rescued_searches) for q in report.queries] == [
        ("unicorn", 3, 2, 1),
        ("ghost", 1, 1, 1),
        ("pegasus", 1, 1, 0),
    ]
    assert [q.groups for q in report.queries] == [{"brand": 2, "science": 1}, {}, {}]
    assert [(d.day, d.count) for d in report.trend] == [(SINCE, 2), (date(2026, 5, 2), 0), (UNTIL, 3)]


def test_zero_result_last_seen_is_the_logged_timestamp(log: SearchLog) -> None:
    assert [q.last_seen for q in log.zero_results(SINCE, UNTIL).queries] == [LATE, DAY1, DAY2]


def test_zero_result_limit_keeps_the_most_searched(log: SearchLog) -> None:
    assert [q.query for q in log.zero_results(SINCE, UNTIL, limit=2).queries] == ["unicorn", "ghost"]


def test_zero_result_period_of_one_day(log: SearchLog) -> None:
    report = log.zero_results(SINCE, SINCE)
    assert (report.searches, report.zero_result_searches) == (5, 2)
    assert [(q.query, q.searches) for q in report.queries] == [("ghost", 1), ("unicorn", 1)]
    assert [(d.day, d.count) for d in report.trend] == [(SINCE, 2)]


# -- top queries and click-through ----------------------------------------------------------
def test_top_queries_rank_by_searches_then_by_query(log: SearchLog) -> None:
    ranked = [(s.query, s.searches) for s in log.top_queries(SINCE, UNTIL)]
    assert ranked == [("dog", 3), ("unicorn", 3), ("bird", 2), ("cat", 2), ("ghost", 1), ("owl", 1), ("pegasus", 1)]
    assert [s.query for s in log.top_queries(SINCE, UNTIL, limit=3)] == ["dog", "unicorn", "bird"]


def test_click_through_counts_each_search_once_and_every_click(log: SearchLog) -> None:
    """cat: the click after the period counts (its search is inside), the page-2 search's does not;
    ghost: a rescued zero-result search clicked twice is still one zero-result search."""
    stats = {
        s.query: (s.zero_results, s.clicks, s.click_through_rate, s.mean_click_position)
        for s in log.top_queries(SINCE, UNTIL)
    }
    assert stats == {
        "dog": (0, 1, 0.3333, 4.0),
        "unicorn": (3, 0, 0.0, None),
        "bird": (0, 0, 0.0, None),
        "cat": (0, 3, 1.0, 2.33),
        "ghost": (1, 2, 1.0, 1.5),
        "owl": (0, 0, 0.0, None),
        "pegasus": (1, 0, 0.0, None),
    }


def test_no_click_queries_found_something_and_filter_before_the_limit(log: SearchLog) -> None:
    assert [(s.query, s.searches) for s in log.top_queries(SINCE, UNTIL, no_clicks_only=True)] == [
        ("bird", 2),
        ("owl", 1),
    ]
    assert [s.query for s in log.top_queries(SINCE, UNTIL, limit=1, no_clicks_only=True)] == ["bird"]


# -- volume and popularity ------------------------------------------------------------------
def test_searches_per_day_fills_every_day_and_counts_browsing(log: SearchLog) -> None:
    assert [(d.day, d.count) for d in log.searches_per_day(SINCE, UNTIL)] == [
        (SINCE, 5),
        (date(2026, 5, 2), 0),
        (UNTIL, 9),
    ]
    assert [d.count for d in log.searches_per_day(date(2026, 4, 30), date(2026, 4, 30))] == [1]


def test_popular_assets_by_click_day_with_distinct_users(log: SearchLog) -> None:
    assert [(p.asset_id, p.clicks, p.users) for p in log.popular_assets(SINCE, UNTIL)] == [
        ("cat-1", 2, 2),
        ("cat-2", 1, 1),
        ("cat-3", 1, 1),
        ("dog-1", 1, 1),
        ("ghost-1", 1, 1),
        ("ghost-2", 1, 1),
    ]
    assert [p.asset_id for p in log.popular_assets(SINCE, UNTIL, limit=2)] == ["cat-1", "cat-2"]


def test_popular_queries_complete_a_prefix_with_answered_first_page_searches(log: SearchLog) -> None:
    # "dog": 3 searches; "do" never completes to zero-result or page-2 or out-of-period queries.
    assert log.popular_queries("D", SINCE, UNTIL) == ["dog"]
    assert log.popular_queries("  c", SINCE, UNTIL) == ["cat"]  # q13 (page 2) does not count
    assert log.popular_queries("uni", SINCE, UNTIL) == []  # never found anything
    assert log.popular_queries("z", SINCE, UNTIL) == []  # after the period
    assert log.popular_queries("", SINCE, UNTIL) == []
    assert log.popular_queries("b", SINCE, UNTIL, limit=1) == ["bird"]
    assert log.popular_queries("%", SINCE, UNTIL) == [] and log.popular_queries("_", SINCE, UNTIL) == []


def test_popular_queries_rank_by_searches_then_by_query(fresh_log: SearchLog) -> None:
    fresh_log.write(
        [
            search("a1", "red car", 2, "ann", DAY1),
            search("a2", "red carpet", 1, "ann", DAY1),
            search("a3", "Red  Carpet", 1, "bob", DAY2),
            search("a4", "red cab", 1, "bob", DAY2),
            search("a5", "red_car", 1, "bob", DAY2),
        ]
    )
    assert fresh_log.popular_queries("red ca", SINCE, UNTIL) == ["red carpet", "red cab", "red car"]


def test_counts_everything_stored(log: SearchLog) -> None:
    assert log.counts() == (17, 9)


# -- writing --------------------------------------------------------------------------------
def test_an_empty_log_reports_nothing_on_every_day(fresh_log: SearchLog) -> None:
    report = fresh_log.zero_results(SINCE, UNTIL)
    assert (report.searches, report.zero_result_searches, report.queries) == (0, 0, [])
    assert [d.count for d in report.trend] == [0, 0, 0]
    assert fresh_log.top_queries(SINCE, UNTIL) == []
    assert [d.count for d in fresh_log.searches_per_day(SINCE, UNTIL)] == [0, 0, 0]
    assert fresh_log.popular_assets(SINCE, UNTIL) == []
    assert fresh_log.counts() == (0, 0)


def test_a_resent_search_is_stored_once_and_the_first_copy_wins(fresh_log: SearchLog) -> None:
    fresh_log.write([search("q1", "unicorn", 0, "ann", DAY1), search("q1", "pegasus", 0, "bob", DAY2)])
    fresh_log.write([search("q1", "griffin", 0, "bob", DAY2)])
    assert fresh_log.counts() == (1, 0)
    assert [(q.query, q.searches, q.last_seen) for q in fresh_log.zero_results(SINCE, UNTIL).queries] == [
        ("unicorn", 1, DAY1)
    ]


def test_reports_see_what_the_recorder_flushed_and_late_clicks_join_their_search(fresh_log: SearchLog) -> None:
    """The click arrives in a later batch than its search, as in the app."""
    recorder = EventRecorder(fresh_log)
    recorder.record(search("q1", "cat", 3, "ann", DAY1))
    recorder.flush()
    assert fresh_log.counts() == (1, 0)
    recorder.record(ClickEvent("q1", "cat-1", 2, "ann", DAY1))
    recorder.flush()
    assert fresh_log.counts() == (1, 1)
    (stats,) = fresh_log.top_queries(SINCE, UNTIL)
    assert (stats.query, stats.clicks, stats.click_through_rate, stats.mean_click_position) == ("cat", 1, 1.0, 2.0)
    assert (recorder.stats().written, recorder.stats().failed) == (2, 0)
    recorder.close()


def test_recorder_writes_everything_it_accepts(fresh_log: SearchLog) -> None:
    recorder = EventRecorder(fresh_log, capacity=100_000)
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
    assert fresh_log.counts() == (2000, 0)
    recorder.close()
