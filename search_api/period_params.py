"""Reads a report's period (`since`, `until`) from the query string, for the analytics API and pages.

One dependency, so every report refuses the same days the same way: a day outside the supported
range is a 422 naming the parameter; a period running backwards or over a year is the core's 400.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from loupe_core.analytics.period import ReportPeriod, report_period
from loupe_core.day_range import SupportedDay


def period_params(since: SupportedDay | None = None, until: SupportedDay | None = None) -> ReportPeriod:
    return report_period(since, until)


PeriodDep = Annotated[ReportPeriod, Depends(period_params)]
