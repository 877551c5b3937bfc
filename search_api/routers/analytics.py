"""Analyst reports over the search log: zero results, top and no-click queries, CTR, popularity.

Every report is JSON by default and CSV with `?format=csv`; the numbers come from
`loupe_core.analytics.analyst_reports`, which the analytics pages read too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from loupe_core.analytics.reports import DayCount, PopularAsset, QueryStats, ZeroResultReport
from search_api.csv_export import CSV_RESPONSE, csv_response
from search_api.deps import Analyst, ServicesDep
from search_api.period_params import PeriodDep

router = APIRouter(prefix="/api/analytics", tags=["analytics"])
Format = Literal["json", "csv"]


@router.get("/zero-results", response_model=ZeroResultReport, responses=CSV_RESPONSE)
def zero_results(
    principal: Analyst, services: ServicesDep, period: PeriodDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, format: Format = "json",
) -> ZeroResultReport | Response:  # fmt: skip
    report = services.analyst_reports.zero_results(period, limit)
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
    principal: Analyst, services: ServicesDep, period: PeriodDep,
    no_clicks: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 50, format: Format = "json",
) -> list[QueryStats] | Response:  # fmt: skip
    stats = services.analyst_reports.top_queries(period, limit, no_clicks)
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
    principal: Analyst, services: ServicesDep, period: PeriodDep,
    format: Format = "json",
) -> list[DayCount] | Response:  # fmt: skip
    days = services.analyst_reports.searches_per_day(period)
    if format == "csv":
        return csv_response("searches-per-day.csv", ["day", "searches"], [[d.day, d.count] for d in days])
    return days


@router.get("/popular-assets", response_model=list[PopularAsset], responses=CSV_RESPONSE)
def popular_assets(
    principal: Analyst, services: ServicesDep, period: PeriodDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, format: Format = "json",
) -> list[PopularAsset] | Response:  # fmt: skip
    shown = services.analyst_reports.popular_assets(principal, period, limit)
    if format == "csv":
        return csv_response("popular-assets.csv", ["asset_id", "clicks", "users"],
                            [[p.asset_id, p.clicks, p.users] for p in shown])  # fmt: skip
    return shown
