"""Analyst reports as pages: zero-result queries (with a daily trend chart), top and no-click queries.

The numbers come from the analyst-reports service the JSON API reads too, for the same period,
and each page links the matching CSV download, so a table on screen and its export never disagree.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from loupe_core.analytics.period import ReportPeriod
from loupe_core.analytics.reports import DayCount, click_through
from search_api.deps import Analyst, ServicesDep
from search_api.period_params import PeriodDep
from web.charts import bar_chart
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/analytics", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
Limit = Annotated[int, Query(ge=1, le=500)]


def _period(span: ReportPeriod, path: str, api: str, **extra: str) -> dict[str, Any]:
    """The period form, filled with the dates the report really covers, and the CSV link for them."""
    params = {"since": span.since.isoformat(), "until": span.until.isoformat()}
    return {
        "since": span.since,
        "until": span.until,
        "action": path,
        "csv_url": f"{api}?{urlencode({**params, **extra, 'format': 'csv'})}",
        "form": SearchForm(),
    }


@router.get("/zero-results")
def zero_results_page(
    request: Request,
    principal: Analyst,
    services: ServicesDep,
    span: PeriodDep,
    limit: Limit = 50,
) -> HTMLResponse:
    report = services.analyst_reports.zero_results(span, limit)
    context = {
        **_period(span, "/analytics/zero-results", "/api/analytics/zero-results"),
        "page_title": "Zero-result queries – Loupe",
        "report": report,
        "chart": bar_chart(report.trend),
        "share": report.zero_result_searches / report.searches if report.searches else None,
    }
    return render(request, "pages/analytics_zero_results.html", context)


def _query_table(
    request: Request, services: ServicesDep, span: ReportPeriod, limit: int, no_clicks: bool
) -> HTMLResponse:
    stats = services.analyst_reports.top_queries(span, limit, no_clicks)
    days = services.analyst_reports.searches_per_day(span)
    extra = {"no_clicks": "true"} if no_clicks else {}
    path = "/analytics/no-click-queries" if no_clicks else "/analytics/top-queries"
    context = {
        **_period(span, path, "/api/analytics/top-queries", **extra),
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
    request: Request, principal: Analyst, services: ServicesDep, span: PeriodDep,
    limit: Limit = 50,
) -> HTMLResponse:  # fmt: skip
    return _query_table(request, services, span, limit, no_clicks=False)


@router.get("/no-click-queries")
def no_click_queries_page(
    request: Request, principal: Analyst, services: ServicesDep, span: PeriodDep,
    limit: Limit = 50,
) -> HTMLResponse:  # fmt: skip
    """Queries that found results but whose results nobody opened: wording or ranking problems."""
    return _query_table(request, services, span, limit, no_clicks=True)


@router.get("/rules")
def rules_page(request: Request, principal: Analyst, services: ServicesDep, span: PeriodDep) -> HTMLResponse:
    """How often each curated-results rule fired, and whether people open what it pinned."""
    context = {
        **_period(span, "/analytics/rules", "/api/analytics/rules"),
        "page_title": "Curated results – Loupe",
        "stats": services.rule_book.stats(span.since, span.until),
    }
    return render(request, "pages/analytics_rules.html", context)


@router.get("/usage")
def usage_page(
    request: Request, principal: Analyst, services: ServicesDep, span: PeriodDep, limit: Limit = 100
) -> HTMLResponse:
    """Views and downloads per asset, group and day, of what the analyst may see."""
    report = services.usage_reports.report(principal, span, limit)
    uses = [DayCount(day=d.day, count=d.views + d.downloads) for d in report.days]
    context = {
        **_period(span, "/analytics/usage", "/api/analytics/usage"),
        "page_title": "Usage – Loupe",
        "report": report,
        "used": services.usage_reports.with_assets(report),
        "chart": bar_chart(uses),
    }
    return render(request, "pages/analytics_usage.html", context)
