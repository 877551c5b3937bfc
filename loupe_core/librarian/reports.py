"""The librarians' reports, read from the store under the caller's permissions.

The JSON API (with its CSV downloads) and the report pages both call this service, so the page,
the JSON and the CSV always list the same assets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from loupe_core.librarian.completeness import IncompleteReport, RequiredField, incomplete_report
from loupe_core.librarian.licence_watchlist import (
    LICENCE_PAGE_SIZE,
    WATCHED,
    LicenceWatchlist,
    watched_by_expiry,
    watchlist_page,
)
from loupe_core.principal import Principal
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore


class LibrarianReports:
    def __init__(self, store: AssetStore, required: Sequence[RequiredField]) -> None:
        self._store = store
        self._required = list(required)

    def incomplete(
        self, principal: Principal, field: RequiredField | None = None, owner: str | None = None,
        group: str | None = None,
    ) -> IncompleteReport:  # fmt: skip
        """Assets missing a field the library requires (`LOUPE_REQUIRED_FIELDS`)."""
        return incomplete_report(self._store.scan(principal), self._required, field, owner, group)

    def licences(
        self, principal: Principal, days: int, page: int = 1, size: int = LICENCE_PAGE_SIZE
    ) -> LicenceWatchlist:
        """Expired licences and those ending within `days`, soonest expiry first: one page of each, with totals."""
        return watchlist_page(watched_by_expiry(self._store, principal, days, date.today()), days, page, size)

    def every_licence(self, principal: Principal, days: int) -> Iterator[tuple[LicenseState, Asset]]:
        """The whole watchlist, unpaged (the CSV download): expired first, each state by expiry date."""
        watched = watched_by_expiry(self._store, principal, days, date.today())
        return ((state, asset) for state in WATCHED for asset in watched[state])
