"""Analyst reports as pages: zero-result queries (with a daily trend chart), top and no-click queries.

The numbers come from the JSON API's handlers for the same period, and each page links the
matching CSV download, so a table on screen and its export never disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from loupe_core.analytics.reports import DayCount, QueryStats, ZeroResultReport
from loupe_core.principal import Principal
from search_api.deps import ServicesDep
from search_api.routers.analytics import Analyst, period, searches_per_day, top_queries, zero_results
from web.charts import bar_chart
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/analytics", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
Limit = Annotated[int, Query(ge=1, le=500)]


def _period(since: date | None, until: date | None, path: str, api: str, **extra: str) -> dict[str, Any]:
    """The period form, filled with the dates the report really covers, and the CSV link for them."""
    span = period(since, until)
    params = {"since": span.since.isoformat(), "until": span.until.isoformat()}
    return {
        "since": span.since,
        "until": span.until,
        "action": path,
        "csv_url": f"{api}?{urlencode({**params, **extra, 'format': 'csv'})}",
        "form": SearchForm(),
    }


def click_through(stats: list[QueryStats]) -> float | None:
    """Share of the listed searches that led to a click (each query weighted by its searches)."""
    searches = sum(s.searches for s in stats)
    return sum(s.click_through_rate * s.searches for s in stats) / searches if searches else None


@router.get("/zero-results")
def zero_results_page(
    request: Request,
    principal: Analyst,
    services: ServicesDep,
    since: date | None = None,
    until: date | None = None,
    limit: Limit = 50,
) -> HTMLResponse:
    # JSON is the handlers' default format, so they return report objects, never a CSV response.
    report = cast(ZeroResultReport, zero_results(principal, services, since, until, limit))
    context = {
        **_period(since, until, "/analytics/zero-results", "/api/analytics/zero-results"),
        "page_title": "Zero-result queries – Loupe",
        "report": report,
        "chart": bar_chart(report.trend),
        "share": report.zero_result_searches / report.searches if report.searches else None,
    }
    return render(request, "pages/analytics_zero_results.html", context)


def _query_table(
    request: Request, principal: Principal, services: ServicesDep, since: date | None, until: date | None, limit: int,
    no_clicks: bool,
) -> HTMLResponse:  # fmt: skip
    stats = cast(list[QueryStats], top_queries(principal, services, since, until, no_clicks, limit))
    days = cast(list[DayCount], searches_per_day(principal, services, since, until))
    extra = {"no_clicks": "true"} if no_clicks else {}
    path = "/analytics/no-click-queries" if no_clicks else "/analytics/top-queries"
    context = {
        **_period(since, until, path, "/api/analytics/top-queries", **extra),
        "page_title": ("No-click queries" if no_clicks else "Top queries") + " – Loupe",
        "heading": "No-click queries" if no_clicks else "Top queries",
        "no_clicks": no_clicks,
        "stats": stats,
        "ctr": click_through(stats),
        "chart": bar_chart(days),
    }
    return render(request, "pages/analytics_queries.html", context)


@router.get("/top-queries")
def top_queries_page(
    request: Request, principal: Analyst, services: ServicesDep, since: date | None = None,
    until: date | None = None, limit: Limit = 50,
) -> HTMLResponse:  # fmt: skip
    return _query_table(request, principal, services, since, until, limit, no_clicks=False)


@router.get("/no-click-queries")
def no_click_queries_page(
    request: Request, principal: Analyst, services: ServicesDep, since: date | None = None,
    until: date | None = None, limit: Limit = 50,
) -> HTMLResponse:  # fmt: skip
    """Queries that found results but whose results nobody opened: wording or ranking problems."""
    return _query_table(request, principal, services, since, until, limit, no_clicks=True)
