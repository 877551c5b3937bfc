"""Search, click and usage events, modelled on OpenSearch User Behavior Insights (queries + events).

A search gets a `query_id`; clicks refer to it, so click-through is exact per search. Usage
events (asset page views, downloads) stand alone: they feed the usage reports and the
retirement candidates ("not viewed or downloaded in N days").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal


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


UsageAction = Literal["view", "download"]
USAGE_KINDS = ("page", "original", "preview", "zip")
"""What was used: the asset page (a view), the original, a preview rendition, a collection ZIP (downloads)."""


@dataclass(frozen=True)
class UsageEvent:
    """Someone viewed an asset's page or downloaded one of its files (the DAM's usage record)."""

    asset_id: str
    action: UsageAction
    kind: str
    user_id: str
    groups: tuple[str, ...] = ()
    timestamp: datetime = field(default_factory=utc_now)


Event = SearchEvent | ClickEvent | UsageEvent
