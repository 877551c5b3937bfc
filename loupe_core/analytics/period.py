"""The span of days an analyst report covers, resolved once so a page, its JSON and its CSV agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from loupe_core.errors import InvalidQuery

DEFAULT_DAYS = 30
MAX_DAYS = 366
"""A year (and a leap day): longer spans make every report scan the whole log."""


@dataclass(frozen=True)
class ReportPeriod:
    since: date
    until: date


def report_period(since: date | None, until: date | None) -> ReportPeriod:
    """Missing ends default to the last `DEFAULT_DAYS` days up to today, both ends included."""
    until = until or date.today()
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until or (until - since).days > MAX_DAYS:
        raise InvalidQuery(f"the period must run forwards and span at most {MAX_DAYS} days")
    return ReportPeriod(since=since, until=until)
