"""Analyst reports over the search log: zero results, top and no-click queries, CTR, popularity.

Every report is JSON by default and CSV with `?format=csv`. Popular assets only lists what
the caller may see, so an aggregate never reveals a hidden asset.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from loupe_core.accounts.permissions import Permission
from loupe_core.analytics.reports import DayCount, PopularAsset, QueryStats, ZeroResultReport
from loupe_core.errors import InvalidQuery
from loupe_core.principal import Principal
from loupe_core.query import Filters
from loupe_core.query import Query as SearchQuery
from search_api.csv_export import CSV_RESPONSE, csv_response
from search_api.deps import ServicesDep, requires

router = APIRouter(prefix="/api/analytics", tags=["analytics"])
Analyst = Annotated[Principal, requires(Permission.analytics)]
Format = Literal["json", "csv"]
MAX_DAYS = 366


class Period(BaseModel):
    since: date
    until: date


def period(since: date | None, until: date | None) -> Period:
    until = until or date.today()
    since = since or until - timedelta(days=29)
    if since > until or (until - since).days > MAX_DAYS:
        raise InvalidQuery(f"the period must run forwards and span at most {MAX_DAYS} days")
    return Period(since=since, until=until)


@router.get("/zero-results", response_model=ZeroResultReport, responses=CSV_RESPONSE)
def zero_results(
    principal: Analyst, services: ServicesDep, since: date | None = None, until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, format: Format = "json",
) -> ZeroResultReport | Response:  # fmt: skip
    span = period(since, until)
    report = services.search_log.zero_results(span.since, span.until, limit)
    for item in report.queries:
        item.closest_terms = services.suggester.closest_terms(item.query)
    if format == "csv":
        return csv_response(
            "zero-results.csv",
            ["query", "searches", "users", "rescued_searches", "last_seen", "closest_terms"],
            [[q.query, q.searches, q.users, q.rescued_searches, q.last_seen.isoformat(), "; ".join(q.closest_terms)]
             for q in report.queries],
        )  # fmt: skip
    return report


@router.get("/top-queries", response_model=list[QueryStats], responses=CSV_RESPONSE)
def top_queries(
    principal: Analyst, services: ServicesDep, since: date | None = None, until: date | None = None,
    no_clicks: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 50, format: Format = "json",
) -> list[QueryStats] | Response:  # fmt: skip
    span = period(since, until)
    stats = services.search_log.top_queries(span.since, span.until, limit, no_clicks_only=no_clicks)
    if format == "csv":
        return csv_response(
            "no-click-queries.csv" if no_clicks else "top-queries.csv",
            ["query", "searches", "zero_results", "clicks", "click_through_rate", "mean_click_position"],
            [[s.query, s.searches, s.zero_results, s.clicks, s.click_through_rate, s.mean_click_position]
             for s in stats],
        )  # fmt: skip
    return stats


@router.get("/searches-per-day", response_model=list[DayCount], responses=CSV_RESPONSE)
def searches_per_day(
    principal: Analyst, services: ServicesDep, since: date | None = None, until: date | None = None,
    format: Format = "json",
) -> list[DayCount] | Response:  # fmt: skip
    span = period(since, until)
    days = services.search_log.searches_per_day(span.since, span.until)
    if format == "csv":
        return csv_response("searches-per-day.csv", ["day", "searches"], [[d.day, d.count] for d in days])
    return days


@router.get("/popular-assets", response_model=list[PopularAsset], responses=CSV_RESPONSE)
def popular_assets(
    principal: Analyst, services: ServicesDep, since: date | None = None, until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, format: Format = "json",
) -> list[PopularAsset] | Response:  # fmt: skip
    span = period(since, until)
    ranked = services.search_log.popular_assets(span.since, span.until, limit=1000)
    ids = tuple(p.asset_id for p in ranked)
    visible = {
        hit.asset.id
        for hit in services.store.search(
            SearchQuery(filters=Filters(ids=ids), principal=principal, facets=(), size=len(ids))
        ).hits
    } if ids else set()  # fmt: skip
    shown = [p for p in ranked if p.asset_id in visible][:limit]
    if format == "csv":
        return csv_response("popular-assets.csv", ["asset_id", "clicks", "users"],
                            [[p.asset_id, p.clicks, p.users] for p in shown])  # fmt: skip
    return shown
