"""Saved searches as people use them: save, list with "N new since you last ran it", rename, delete, run.

Saved searches are private to their owner. "New" means: a result of the saved query, for the caller
as they are *now* (their groups today, drafts and expired licences hidden as in any search), whose
asset was indexed after the owner last ran it. It is the same search with one more filter
(`Filters.indexed_after`), counted by the store, so both backends answer it and nothing is fetched.
Running the search resets the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from loupe_core.asset_collections.service import CollectionService
from loupe_core.errors import Forbidden, InvalidQuery, RecordNotFound
from loupe_core.principal import Principal
from loupe_core.query import FusionMethod, Query, SearchResult
from loupe_core.saved_searches.saved_query import SavedQuery
from loupe_core.saved_searches.store import SavedSearch, SavedSearchStore
from loupe_core.search_service import SearchService

MAX_NAME = 200
MAX_SAVED = 200
"""Saved searches per person: each one costs a count whenever the list is shown."""


@dataclass(frozen=True)
class SearchTuning:
    """The server's ranking settings a saved search runs with (as `search_api.params` applies them)."""

    knn_k: int = 100
    rrf_k: int = 60
    fusion: FusionMethod = FusionMethod.rrf
    keyword_weight: float = 1.0


@dataclass(frozen=True)
class SavedSearchStatus:
    saved: SavedSearch
    new_count: int | None
    """None when it cannot run now (its collection was deleted or is no longer shared with the caller)."""


@dataclass(frozen=True)
class SavedSearchRun:
    saved: SavedSearch
    query: Query
    result: SearchResult


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidQuery(f"a saved search needs a name of 1 to {MAX_NAME} characters")
    return cleaned


class SavedSearchService:
    def __init__(
        self, store: SavedSearchStore, search: SearchService, collections: CollectionService, tuning: SearchTuning
    ) -> None:
        self._store = store
        self._search = search
        self._collections = collections
        self._tuning = tuning

    def _own(self, principal: Principal, saved_id: str) -> SavedSearch:
        """Someone else's saved search answers exactly like a missing one."""
        saved = self._store.get(saved_id)
        if saved is None or principal.is_guest or saved.owner != principal.user_id:
            raise RecordNotFound(f"no saved search {saved_id!r}")
        return saved

    def query(self, principal: Principal, saved: SavedQuery, page: int = 1, size: int = 24) -> Query:
        """The core query a saved search runs as, for this caller now (a collection read under their access)."""
        filters = saved.filters
        if saved.collection is not None:
            filters = self._collections.narrow(principal, filters, saved.collection)
        return Query(
            text=saved.text, mode=saved.mode, sort=saved.sort, filters=filters, page=page, size=size,
            knn_k=self._tuning.knn_k, rrf_k=self._tuning.rrf_k, fusion=self._tuning.fusion,
            keyword_weight=self._tuning.keyword_weight, principal=principal,
        )  # fmt: skip

    def save(self, principal: Principal, name: str, query: SavedQuery) -> SavedSearch:
        if principal.is_guest:
            raise Forbidden("sign in to save searches")
        if len(self._store.owned_by(principal.user_id)) >= MAX_SAVED:
            raise InvalidQuery(f"you can keep at most {MAX_SAVED} saved searches; delete one first")
        if query.collection is not None:
            self._collections.view(principal, query.collection)  # a collection the caller cannot open is not saved
        return self._store.create(principal.user_id, _name(name), query)

    def statuses(self, principal: Principal) -> list[SavedSearchStatus]:
        """The caller's saved searches by name, each with its count of new results."""
        if principal.is_guest:
            return []
        return [
            SavedSearchStatus(saved, self.new_count(principal, saved))
            for saved in self._store.owned_by(principal.user_id)
        ]

    def status(self, principal: Principal, saved_id: str) -> SavedSearchStatus:
        saved = self._own(principal, saved_id)
        return SavedSearchStatus(saved, self.new_count(principal, saved))

    def new_count(self, principal: Principal, saved: SavedSearch) -> int | None:
        try:
            query = self.query(principal, saved.query, size=0)
        except RecordNotFound:
            return None
        since = query.filters.model_copy(update={"indexed_after": saved.last_run_at})
        result = self._search.search(query.model_copy(update={"filters": since, "facets": ()}))
        return 0 if result.rescued else result.total  # a rescue shows near misses, not matches

    def start_run(self, principal: Principal, saved_id: str) -> SavedSearch:
        """Resets the "new" count now: the caller is about to search (pages redirect to the search itself).

        The instant is taken before the search runs, so an asset indexed meanwhile counts as new next time."""
        saved = self._own(principal, saved_id)
        self._store.mark_run(saved.id, datetime.now(UTC))
        return self._own(principal, saved_id)

    def run(self, principal: Principal, saved_id: str, page: int = 1, size: int = 24) -> SavedSearchRun:
        """Resets the count and runs the search (the API answers with the results)."""
        query = self.query(principal, self._own(principal, saved_id).query, page, size)  # a lost collection: 404
        saved = self.start_run(principal, saved_id)
        return SavedSearchRun(saved, query, self._search.search(query))

    def rename(self, principal: Principal, saved_id: str, name: str) -> SavedSearch:
        saved = self._own(principal, saved_id)
        self._store.rename(saved.id, _name(name))
        return self._own(principal, saved_id)

    def delete(self, principal: Principal, saved_id: str) -> None:
        self._store.delete(self._own(principal, saved_id).id)
