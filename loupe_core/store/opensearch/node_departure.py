"""Which search failures mean "a node left mid-request", so that reading again is safe and right.

A node that leaves (killed, restarted, partitioned) between a search's query and fetch phases
takes its search contexts with it, and the coordinating node reports the fetch as failed:
`search_context_missing_exception` when the contexts are gone, `node_not_connected_exception`
or `node_disconnected_exception` when the transport notices first, and
`no_shard_available_action_exception` while a replica is being promoted. Searches ask for no
partial results, so such a search fails whole instead of answering with hits missing. With a replica in the
cluster the same data is still there, so the search is a read worth repeating. Any other cause
(a bad query, a missing index) is the caller's to see.
"""

from __future__ import annotations

from typing import Any

DEPARTURE_TYPES = frozenset(
    {
        "search_context_missing_exception",
        "node_not_connected_exception",
        "node_disconnected_exception",
        "node_closed_exception",
        "connect_transport_exception",
        "no_shard_available_action_exception",
    }
)


def _causes(error: dict[str, Any]) -> list[dict[str, Any]]:
    """The root causes, or else the chain of `caused_by`, of one OpenSearch error object."""
    roots = [cause for cause in error.get("root_cause", []) if isinstance(cause, dict)]
    if roots:
        return roots
    chain: list[dict[str, Any]] = []
    cause = error.get("caused_by")
    while isinstance(cause, dict):
        chain.append(cause)
        cause = cause.get("caused_by")
    return chain[-1:]


def left_with_a_node(error: object) -> bool:
    """True when every cause of `error` (an OpenSearch error object) is a node that went away."""
    if not isinstance(error, dict):
        return False
    causes = _causes(error)
    return bool(causes) and all(cause.get("type") in DEPARTURE_TYPES for cause in causes)


def answer_left_with_a_node(answer: dict[str, Any]) -> bool:
    """True for one `_msearch` answer (or search body) that failed only because a node left."""
    return left_with_a_node(answer.get("error"))
