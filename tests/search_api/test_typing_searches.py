"""Typing searches reach the log only once settled: superseded partials never, clicked ones at once."""

from __future__ import annotations

import time

from loupe_core.analytics.events import SearchEvent
from search_api.typing_searches import TypingSearches


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def event(text: str, query_id: str | None = None) -> SearchEvent:
    return SearchEvent(
        query_id=query_id or f"q-{text}", user_query=text, mode="hybrid", result_count=1, latency_ms=1, user_id="u"
    )


def typing(capacity: int = 100) -> tuple[TypingSearches, list[str], Clock]:
    logged: list[str] = []
    clock = Clock()

    def record(e: SearchEvent) -> bool:
        logged.append(e.user_query)
        return True

    return TypingSearches(record, settle_s=2.0, capacity=capacity, clock=clock, sweep=False), logged, clock


def test_partial_queries_typed_in_a_burst_are_dropped_and_the_settled_one_logged() -> None:
    searches, logged, clock = typing()
    for text in ["st", "sto", "storm", "storm clouds"]:
        searches.hold("s1", event(text))
        clock.now += 0.4
    assert logged == []
    clock.now += 2.0
    searches.release_settled()
    assert logged == ["storm clouds"] and searches.superseded == 3


def test_a_search_the_user_paused_on_is_logged_even_when_they_type_on_later() -> None:
    searches, logged, clock = typing()
    searches.hold("s1", event("storm"))
    clock.now += 5
    searches.hold("s1", event("storm clouds"))
    assert logged == ["storm"]


def test_sessions_are_independent_and_a_submit_supersedes_the_typing_search() -> None:
    searches, logged, clock = typing()
    searches.hold("s1", event("harb"))
    searches.hold("s2", event("orchard"))
    clock.now += 0.5
    searches.searched("s1")  # s1 pressed Enter: the submitted search is logged by the caller
    clock.now += 2
    searches.release_settled()
    assert logged == ["orchard"] and searches.superseded == 1


def test_a_click_logs_the_held_search_at_once_and_shutdown_logs_the_rest() -> None:
    searches, logged, _ = typing()
    searches.hold("s1", event("lighthouse", "q1"))
    searches.hold("s2", event("harbour", "q2"))
    searches.clicked("q1")
    searches.clicked("unknown")
    assert logged == ["lighthouse"]
    searches.release_all()
    assert logged == ["lighthouse", "harbour"]


def test_held_searches_are_bounded_and_the_oldest_is_logged_rather_than_lost() -> None:
    searches, logged, _ = typing(capacity=2)
    for session in ["a", "b", "c"]:
        searches.hold(session, event(session))
    assert logged == ["a"]


def test_the_sweeper_logs_a_settled_search_without_any_further_request() -> None:
    logged: list[str] = []

    def record(e: SearchEvent) -> bool:
        logged.append(e.user_query)
        return True

    searches = TypingSearches(record, settle_s=0.1)
    try:
        searches.hold("s1", event("lighthouse"))
        deadline = time.monotonic() + 5
        while not logged and time.monotonic() < deadline:
            time.sleep(0.02)
        assert logged == ["lighthouse"]
    finally:
        searches.release_all()
