"""Search and click events, modelled on OpenSearch User Behavior Insights (queries + events).

A search gets a `query_id`; clicks refer to it, so click-through is exact per search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SearchEvent:
    query_id: str
    user_query: str
    mode: str
    result_count: int
    latency_ms: float
    user_id: str
    groups: tuple[str, ...] = ()
    session_id: str = ""
    page: int = 1
    filters: dict[str, Any] = field(default_factory=dict)
    rescued: bool = False
    timestamp: datetime = field(default_factory=utc_now)


@dataclass(frozen=True)
class ClickEvent:
    query_id: str
    asset_id: str
    position: int
    user_id: str
    timestamp: datetime = field(default_factory=utc_now)


Event = SearchEvent | ClickEvent
