"""The librarians' reports, read from the store under the caller's permissions.

The JSON API (with its CSV downloads) and the report pages both call this service, so the page,
the JSON and the CSV always list the same assets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from loupe_core.librarian.completeness import IncompleteReport, RequiredField, incomplete_report
from loupe_core.principal import Principal
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore

LICENCE_PAGE_SIZE = 100
WATCHED = (LicenseState.expired, LicenseState.expiring)


@dataclass(frozen=True)
class LicenceList:
    """One licence state's assets on the requested page, and how many there are on every page."""

    total: int
    assets: list[Asset]


@dataclass(frozen=True)
class LicenceWatchlist:
    """Both lists are paged alike (page `page` of `size` each), ordered by expiry date, then id."""

    expired: LicenceList
    expiring: LicenceList
    """Licences that end within `days` days from today."""
    days: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """Pages needed for the longer of the two lists (at least one, even when both are empty)."""
        return max(1, -(-max(self.expired.total, self.expiring.total) // self.size))


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
        """Expired licences and those ending within `days`, soonest expiry first, one page of each.

        Read from a scan, not a search: every asset counts (a search returns at most a window of
        hits) and the order is the expiry date, which no search sort offers.
        """
        watched = self._by_expiry(principal, days)
        start = (page - 1) * size

        def listed(state: LicenseState) -> LicenceList:
            return LicenceList(total=len(watched[state]), assets=watched[state][start : start + size])

        expired, expiring = (listed(state) for state in WATCHED)
        return LicenceWatchlist(expired=expired, expiring=expiring, days=days, page=page, size=size)

    def every_licence(self, principal: Principal, days: int) -> Iterator[tuple[LicenseState, Asset]]:
        """The whole watchlist, unpaged (the CSV download): expired first, each state by expiry date."""
        watched = self._by_expiry(principal, days)
        return ((state, asset) for state in WATCHED for asset in watched[state])

    def _by_expiry(self, principal: Principal, days: int) -> dict[LicenseState, list[Asset]]:
        today = date.today()
        watched: dict[LicenseState, list[Asset]] = {state: [] for state in WATCHED}
        for asset in self._store.scan(principal):
            state = asset.license_state(today, days)
            if state in watched:
                watched[state].append(asset)
        for assets in watched.values():
            assets.sort(key=lambda a: (a.license_expires or today, a.id))
        return watched
