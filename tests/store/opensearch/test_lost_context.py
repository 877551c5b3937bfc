"""Which failed ranked lists are re-read: only those whose search contexts left with a node."""

from __future__ import annotations

from loupe_core.store.opensearch.store import _lost_context

LOST = {"type": "search_context_missing_exception", "reason": "No search context found for id [29]"}


def test_a_fetch_phase_that_lost_every_context_is_read_again() -> None:
    answer = {"status": 404, "error": {"type": "search_phase_execution_exception", "root_cause": [LOST, LOST]}}
    assert _lost_context(answer)


def test_other_failures_and_answers_are_not() -> None:
    parse = {"type": "query_shard_exception", "reason": "bad query"}
    assert not _lost_context({"status": 400, "error": {"root_cause": [LOST, parse]}})
    assert not _lost_context({"status": 400, "error": {"root_cause": []}})
    assert not _lost_context({"status": 500, "error": "a plain string"})
    assert not _lost_context({"hits": {"hits": []}})
