"""The analysts' reports: what the search log counted, with what a reader needs on top of it.

The JSON API, its CSV downloads and the analytics pages all read through this service, so a
table on screen and its export never disagree. On top of the log's own numbers it suggests the
vocabulary terms closest to each zero-result query, and it drops from popular assets those
the caller may not see, so an aggregate never reveals a hidden asset.
"""

from __future__ import annotations

from collections.abc import Callable

from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.period import ReportPeriod
from loupe_core.analytics.reports import DayCount, PopularAsset, QueryStats, ZeroResultReport
from loupe_core.principal import Principal
from loupe_core.query import Filters, Query
from loupe_core.store.base import AssetStore

POPULAR_CANDIDATES = 1000
"""Most clicked assets fetched before visibility filtering, so hidden ones do not shorten the list much."""


class AnalystReports:
    def __init__(self, log: SearchLog, store: AssetStore, closest_terms: Callable[[str], list[str]]) -> None:
        self._log = log
        self._store = store
        self._closest_terms = closest_terms

    def zero_results(self, period: ReportPeriod, limit: int) -> ZeroResultReport:
        report = self._log.zero_results(period.since, period.until, limit)
        for item in report.queries:
            item.closest_terms = self._closest_terms(item.query)
        return report

    def top_queries(self, period: ReportPeriod, limit: int, no_clicks: bool = False) -> list[QueryStats]:
        return self._log.top_queries(period.since, period.until, limit, no_clicks_only=no_clicks)

    def searches_per_day(self, period: ReportPeriod) -> list[DayCount]:
        return self._log.searches_per_day(period.since, period.until)

    def popular_assets(self, principal: Principal, period: ReportPeriod, limit: int) -> list[PopularAsset]:
        ranked = self._log.popular_assets(period.since, period.until, limit=POPULAR_CANDIDATES)
        visible = self._visible(principal, tuple(p.asset_id for p in ranked))
        return [p for p in ranked if p.asset_id in visible][:limit]

    def _visible(self, principal: Principal, ids: tuple[str, ...]) -> set[str]:
        if not ids:
            return set()
        query = Query(filters=Filters(ids=ids), principal=principal, facets=(), size=len(ids))
        return {hit.asset.id for hit in self._store.search(query).hits}
