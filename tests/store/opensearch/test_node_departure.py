"""Which failed searches are read again: only those that failed because a node left mid-request."""

from __future__ import annotations

from opensearchpy.exceptions import ConnectionTimeout, TransportError

from loupe_core.store.opensearch.client import is_transient
from loupe_core.store.opensearch.node_departure import answer_left_with_a_node, left_with_a_node

LOST = {"type": "search_context_missing_exception", "reason": "No search context found for id [29]"}
# What a 3-node cluster answered in CI when a node restarted between the query and fetch phases.
NOT_CONNECTED = {
    "root_cause": [],
    "type": "search_phase_execution_exception",
    "reason": "",
    "phase": "fetch",
    "grouped": True,
    "failed_shards": [],
    "caused_by": {"type": "node_not_connected_exception", "reason": "[Node 1][127.0.0.1:9310] Node not connected"},
}


def test_a_fetch_phase_that_lost_every_context_is_read_again() -> None:
    answer = {"status": 404, "error": {"type": "search_phase_execution_exception", "root_cause": [LOST, LOST]}}
    assert answer_left_with_a_node(answer)


def test_a_fetch_phase_whose_node_disconnected_is_read_again() -> None:
    assert answer_left_with_a_node({"status": 500, "error": NOT_CONNECTED})


def test_the_deepest_cause_decides_when_there_is_no_root_cause() -> None:
    wrapped = {"root_cause": [], "type": "x", "caused_by": {"type": "y", "caused_by": NOT_CONNECTED["caused_by"]}}
    assert left_with_a_node(wrapped)
    parse = {"root_cause": [], "type": "x", "caused_by": {"type": "query_shard_exception"}}
    assert not left_with_a_node(parse)


def test_other_failures_and_answers_are_not() -> None:
    parse = {"type": "query_shard_exception", "reason": "bad query"}
    assert not answer_left_with_a_node({"status": 400, "error": {"root_cause": [LOST, parse]}})
    assert not answer_left_with_a_node({"status": 400, "error": {"root_cause": []}})
    assert not answer_left_with_a_node({"status": 500, "error": "a plain string"})
    assert not answer_left_with_a_node({"hits": {"hits": []}})


def test_a_whole_search_that_failed_with_a_departed_node_is_transient() -> None:
    assert is_transient(TransportError(500, "search_phase_execution_exception", {"error": NOT_CONNECTED}))
    assert not is_transient(TransportError(500, "search_phase_execution_exception", {"error": {"root_cause": []}}))
    assert not is_transient(TransportError(400, "parse", "a plain string body"))
    assert is_transient(TransportError(503, "unavailable", {}))
    assert not is_transient(ConnectionTimeout("TIMEOUT", "read timed out", None))
