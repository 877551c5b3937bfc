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


class AssetUsage(BaseModel):
    asset_id: str
    views: int
    downloads: int
    users: int


class GroupUsage(BaseModel):
    """Use by the members of one group (a user in two groups counts for both)."""

    group: str
    views: int
    downloads: int


class DayUsage(BaseModel):
    day: date
    views: int
    downloads: int


class UsageReport(BaseModel):
    since: date
    until: date
    views: int
    downloads: int
    assets: list[AssetUsage]
    """Most used first (views + downloads), ties by id."""
    groups: list[GroupUsage]
    days: list[DayUsage]


UsageCounts = tuple[int, int]
"""(views, downloads)"""


def usage_report(
    since: date,
    until: date,
    assets: dict[str, tuple[int, int, int]],
    groups: dict[str, UsageCounts],
    days: dict[str, UsageCounts],
    limit: int,
) -> UsageReport:
    """One report from a backend's raw counts (asset -> views, downloads, users; group and day -> views,
    downloads), ranked and filled the same way for every backend."""
    ranked = sorted(assets.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0].encode()))
    span = (until - since).days + 1
    return UsageReport(
        since=since,
        until=until,
        views=sum(v for v, _ in days.values()),
        downloads=sum(d for _, d in days.values()),
        assets=[AssetUsage(asset_id=a, views=v, downloads=d, users=u) for a, (v, d, u) in ranked[:limit]],
        groups=[
            GroupUsage(group=g, views=v, downloads=d)
            for g, (v, d) in sorted(groups.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0].encode()))
        ],
        days=[
            DayUsage(
                day=day, views=days.get(day.isoformat(), (0, 0))[0], downloads=days.get(day.isoformat(), (0, 0))[1]
            )
            for day in (since + timedelta(days=i) for i in range(max(span, 0)))
        ],
    )
