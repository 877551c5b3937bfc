"""Report types shared by every search-log backend (and rendered as JSON, CSV and charts)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel


def normalise_query(text: str) -> str:
    return " ".join(text.lower().split())


class DayCount(BaseModel):
    day: date
    count: int


class ZeroResultQuery(BaseModel):
    query: str
    searches: int
    users: int
    groups: dict[str, int]
    last_seen: datetime
    rescued_searches: int
    closest_terms: list[str] = []


class ZeroResultReport(BaseModel):
    since: date
    until: date
    searches: int
    zero_result_searches: int
    queries: list[ZeroResultQuery]
    trend: list[DayCount]


class QueryStats(BaseModel):
    query: str
    searches: int
    zero_results: int
    clicks: int
    click_through_rate: float
    mean_click_position: float | None


class PopularAsset(BaseModel):
    asset_id: str
    clicks: int
    users: int


def fill_days(counts: dict[str, int], since: date, until: date) -> list[DayCount]:
    """One entry per day of the period, zero where nothing was logged, so charts keep their scale."""
    days = (until - since).days + 1
    return [
        DayCount(day=d, count=int(counts.get(d.isoformat(), 0)))
        for d in (since + timedelta(days=i) for i in range(max(days, 0)))
    ]


def click_through(stats: list[QueryStats]) -> float | None:
    """Share of the listed searches that led to a click (each query weighted by its searches)."""
    searches = sum(s.searches for s in stats)
    return sum(s.click_through_rate * s.searches for s in stats) / searches if searches else None
