"""The calendar days a request may name: one rule that every date parameter is checked against.

Reports and filters do arithmetic on the days they are given (a default report period starts
29 days before `until`, a `created_to` filter ends where the next day starts). Python's `date`
stops at the years 1 and 9999, so a day at either edge became an `OverflowError` deep inside a
backend, and a 500. A year of margin at both ends leaves room for every such step (a report
spans at most 366 days), and refusing a day outside it here gives the caller a reason instead.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator

EARLIEST_DAY = date(2, 1, 1)
LATEST_DAY = date(9998, 12, 31)


def supported_day(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"dates must lie between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return day


SupportedDay = Annotated[date, AfterValidator(supported_day)]
"""A `date` that any report or filter can step a year away from without leaving the calendar."""
