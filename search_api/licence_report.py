"""The licence watchlist over HTTP: the paging parameters the API and the page read, and the JSON body.

One page of each list (expired, expiring), ordered by expiry date, with totals over all pages,
so nothing is cut off silently; the CSV download lists every asset instead.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from loupe_core.librarian.licence_watchlist import LicenceWatchlist
from loupe_core.schema import Asset
from search_api.schemas import AssetSummary, asset_summary

LicenceDays = Annotated[int, Query(ge=0, le=3650, description="Expiring: the licence ends within this many days")]
LicencePage = Annotated[int, Query(ge=1, le=100_000)]
LicencePageSize = Annotated[int, Query(ge=1, le=1000, description="Assets per list on a page")]


class LicencedAsset(AssetSummary):
    license_expires: date


class LicenceTotals(BaseModel):
    """Assets in each list over all pages."""

    expired: int
    expiring: int


class LicenceReport(BaseModel):
    expired: list[LicencedAsset]
    expiring: list[LicencedAsset]
    """Licences that end within `days` days from today."""
    days: int
    totals: LicenceTotals
    page: int
    size: int
    pages: int
    """Pages needed for the longer list; both lists are paged alike, by expiry date then id."""


def licenced_asset(asset: Asset, today: date, days: int) -> LicencedAsset:
    """`license_state` against the report's horizon, so an asset listed as expiring within 90 days says so."""
    summary = asset_summary(asset, today).model_dump()
    state = asset.license_state(today, days)
    return LicencedAsset.model_validate({**summary, "license_state": state, "license_expires": asset.license_expires})


def licence_report(watchlist: LicenceWatchlist, today: date) -> LicenceReport:
    days = watchlist.days
    return LicenceReport(
        expired=[licenced_asset(a, today, days) for a in watchlist.expired.assets],
        expiring=[licenced_asset(a, today, days) for a in watchlist.expiring.assets],
        days=days,
        totals=LicenceTotals(expired=watchlist.expired.total, expiring=watchlist.expiring.total),
        page=watchlist.page,
        size=watchlist.size,
        pages=watchlist.pages,
    )
