"""How search and click events become User Behavior Insights documents (mappings/search_log.json)."""

from __future__ import annotations

from typing import Any

from loupe_core.analytics.events import ClickEvent, SearchEvent, UsageEvent
from loupe_core.analytics.reports import normalise_query

APPLICATION = "loupe"
CONTEXT_FIELDS = ["user_query", "normalised_query", "query_day", "page"]
"""What a click copies from its search, so click-through is an aggregation (UBI events may carry user_query)."""


def query_document(event: SearchEvent) -> dict[str, Any]:
    day = event.timestamp.date().isoformat()
    return {
        "kind": "query",
        "timestamp": event.timestamp.isoformat(),
        "day": day,
        "query_day": day,
        "query_id": event.query_id,
        "application": APPLICATION,
        "client_id": event.session_id,  # UBI's client: the pseudonymous browser session or API key
        "session_id": event.session_id,
        "user_id": event.user_id,
        "groups": sorted(event.groups),
        "user_query": event.user_query,
        "normalised_query": normalise_query(event.user_query),
        "mode": event.mode,
        "filters": event.filters,
        "page": event.page,
        "result_count": event.result_count,
        "latency_ms": event.latency_ms,
        "rescued": event.rescued,
    }


def click_document(event: ClickEvent, search: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "event",
        "action_name": "click",
        "timestamp": event.timestamp.isoformat(),
        "day": event.timestamp.date().isoformat(),
        "query_id": event.query_id,
        "application": APPLICATION,
        "user_id": event.user_id,
        "event_attributes": {
            "object": {"object_id": event.asset_id, "object_id_field": "id"},
            "position": {"ordinal": event.position},
        },
        **search,
    }


def usage_document(event: UsageEvent) -> dict[str, Any]:
    return {
        "kind": "event",
        "action_name": event.action,
        "timestamp": event.timestamp.isoformat(),
        "day": event.timestamp.date().isoformat(),
        "application": APPLICATION,
        "user_id": event.user_id,
        "groups": sorted(event.groups),
        "event_attributes": {
            "object": {"object_id": event.asset_id, "object_id_field": "id", "object_type": event.kind}
        },
    }
