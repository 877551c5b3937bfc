"""The contract every search-log backend fulfils; tests/contract/test_search_log_contract.py runs it on each.

Report semantics, shared by every backend: a report covers first-page searches whose
calendar day (as logged) lies in [since, until]; queries are grouped by `normalise_query`
and the empty query (browsing) only counts towards searches per day; clicks count towards
the search they belong to, whenever they happened; rankings are by count, ties by key.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from loupe_core.analytics.events import Event
from loupe_core.analytics.recorder import EventSink
from loupe_core.analytics.reports import DayCount, PopularAsset, QueryStats, UsageReport, ZeroResultReport


class SearchLog(EventSink, Protocol):
    """Where searches and clicks are kept, and the analyst reports read from them."""

    def write(self, events: Sequence[Event]) -> None:
        """Store a batch; a search re-sent with a stored query_id is ignored (first write wins).

        Raises when the batch could not be stored, so the recorder counts it as failed.
        """
        ...

    def counts(self) -> tuple[int, int]:
        """(searches, clicks) stored, for the administrators' health view."""
        ...

    def zero_results(self, since: date, until: date, limit: int = 50) -> ZeroResultReport: ...

    def top_queries(self, since: date, until: date, limit: int = 50, no_clicks_only: bool = False) -> list[QueryStats]:
        """Most searched queries with click-through; `no_clicks_only` keeps queries that found
        something but were never clicked, filtered before the limit applies."""
        ...

    def searches_per_day(self, since: date, until: date) -> list[DayCount]: ...

    def popular_assets(self, since: date, until: date, limit: int = 200) -> list[PopularAsset]:
        """Most clicked assets by the day of the click (any page, any or no logged search)."""
        ...

    def popular_queries(self, prefix: str, since: date, until: date, limit: int = 20) -> list[str]:
        """Normalised queries starting with `normalise_query(prefix)` that found something, most searched first.

        Only the query text: whether the caller may see what it finds is for the caller to check."""
        ...

    def usage(self, since: date, until: date, assets: Collection[str] | None = None, limit: int = 200) -> UsageReport:
        """Views and downloads in the period, per asset (the `limit` most used), per group of the
        user and per day; `assets`: count only these (None: every asset)."""
        ...

    def used_since(self, day: date) -> set[str]:
        """Assets viewed or downloaded on or after `day`."""
        ...

    def close(self) -> None: ...
