"""The librarians' reports, read from the store under the caller's permissions.

The JSON API (with its CSV downloads) and the report pages both call this service, so the page,
the JSON and the CSV always list the same assets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loupe_core.librarian.completeness import IncompleteReport, RequiredField, incomplete_report
from loupe_core.principal import Principal
from loupe_core.query import Filters, Query, SortOrder
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore

LICENCES_LISTED = 1000
"""Assets listed per licence state: the most one search returns."""


@dataclass(frozen=True)
class LicenceWatchlist:
    expired: list[Asset]
    expiring: list[Asset]
    """Licences that end within `days` days from today."""
    days: int


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

    def licences(self, principal: Principal, days: int) -> LicenceWatchlist:
        """Expired licences and those ending within `days`, oldest assets first."""

        def listed(state: LicenseState) -> list[Asset]:
            query = Query(
                filters=Filters(license=(state,)), principal=principal, facets=(), size=LICENCES_LISTED,
                expiring_days=days, sort=SortOrder.oldest,
            )  # fmt: skip
            return [hit.asset for hit in self._store.search(query).hits]

        return LicenceWatchlist(expired=listed(LicenseState.expired), expiring=listed(LicenseState.expiring), days=days)
