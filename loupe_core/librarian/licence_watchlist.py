"""The licence watchlist: expired licences and those ending soon, ordered by expiry date, paged.

Every watched asset counts, and the order is the expiry date (then id), which no search sort
offers; so each list is read whole and sorted here. While a list fits in the deepest page a
search can reach (`SEARCH_WINDOW`) it is read by search, costing what the list holds; a longer
one is read by a scan of the library. Both read the same assets under the caller's permissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loupe_core.principal import Principal
from loupe_core.query import Filters, Query, SortOrder
from loupe_core.schema import Asset, LicenseState
from loupe_core.store.base import AssetStore

LICENCE_PAGE_SIZE = 100
WATCHED = (LicenseState.expired, LicenseState.expiring)
SEARCH_WINDOW = 10_000
"""The deepest result either backend pages to (OpenSearch's `max_result_window`)."""
READ_PAGE = 1000
"""Assets a search reads at a time (the most one query may ask for)."""

Watched = dict[LicenseState, list[Asset]]
"""Each watched state's assets, by expiry date then id."""


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


def watched_by_expiry(store: AssetStore, principal: Principal, days: int, today: date) -> Watched:
    totals = {state: store.search(_query(principal, state, days, today, size=0)).total for state in WATCHED}
    if max(totals.values()) > SEARCH_WINDOW:
        watched = _scanned(store, principal, days, today)
    else:
        watched = {state: _searched(store, principal, state, days, today, totals[state]) for state in WATCHED}
    for assets in watched.values():
        assets.sort(key=lambda a: (a.license_expires or today, a.id))
    return watched


def watchlist_page(watched: Watched, days: int, page: int, size: int) -> LicenceWatchlist:
    start = (page - 1) * size
    expired, expiring = (LicenceList(len(watched[s]), watched[s][start : start + size]) for s in WATCHED)
    return LicenceWatchlist(expired=expired, expiring=expiring, days=days, page=page, size=size)


def _query(principal: Principal, state: LicenseState, days: int, today: date, size: int, page: int = 1) -> Query:
    return Query(
        filters=Filters(license=(state,)), principal=principal, facets=(), size=size, page=page,
        expiring_days=days, today=today, sort=SortOrder.oldest,
    )  # fmt: skip


def _searched(
    store: AssetStore, principal: Principal, state: LicenseState, days: int, today: date, total: int
) -> list[Asset]:
    """Page by page in a total order (the sort's ties go by id on both backends), so none is missed."""
    pages = -(-total // READ_PAGE)
    query = _query(principal, state, days, today, READ_PAGE)
    return [hit.asset for n in range(1, pages + 1) for hit in store.search(query.model_copy(update={"page": n})).hits]


def _scanned(store: AssetStore, principal: Principal, days: int, today: date) -> Watched:
    watched: Watched = {state: [] for state in WATCHED}
    for asset in store.scan(principal):
        state = asset.license_state(today, days)
        if state in watched:
            watched[state].append(asset)
    return watched
