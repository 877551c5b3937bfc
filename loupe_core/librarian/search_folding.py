"""The duplicate clusters a search folds: exact and visual pairs from the librarian database,
each cluster with its suggested keeper (the same rule as the duplicates report).

Near duplicates (CLIP cosine) are left unfolded: crops, edits and second takes are different
assets to a marketer, while exact and visual pairs are the same photo saved again. Pairs marked
"not a duplicate" never fold. The clusters are computed for the whole library, system-wide,
and cached until the pairs change; the store folds only members already in a caller's result
set, so nothing here can reveal an asset (see `loupe_core.store.collapse`).
"""

from __future__ import annotations

import threading

from loupe_core.librarian.clusters import keeper_rank
from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.query import DuplicateClusters, Filters, Query, SearchMode
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool

FOLDED_QUEUES = (DuplicateQueue.exact.value, DuplicateQueue.visual.value)
FETCH_PAGE = 1000
_PAIRS = (
    "SELECT a, b FROM duplicate_pairs WHERE queue IN (?, ?) "
    "AND NOT EXISTS (SELECT 1 FROM not_duplicates n WHERE n.a = duplicate_pairs.a AND n.b = duplicate_pairs.b)"
)
_SIGNATURE = (
    "SELECT (SELECT count(*) || ':' || total(rowid) || ':' || ifnull(max(rowid), 0) FROM duplicate_pairs), "
    "(SELECT count(*) || ':' || ifnull(max(rowid), 0) FROM not_duplicates)"
)


def connected_groups(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Union-find over pairs: each group of ids linked by a chain of pairs, sorted."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for item in parent:
        groups.setdefault(root(item), []).append(item)
    return [sorted(group) for group in groups.values()]


class SearchFolding:
    def __init__(self, db: ConnectionPool, store: AssetStore) -> None:
        self._db = db
        self._store = store
        self._lock = threading.Lock()
        self._signature: tuple[object, ...] | None = None
        self._clusters = DuplicateClusters()

    def clusters(self) -> DuplicateClusters:
        signature = tuple(self._db.get().execute(_SIGNATURE).fetchone())
        if signature == self._signature:
            return self._clusters
        with self._lock:
            if signature != self._signature:
                self._clusters = self._compute()
                self._signature = signature
        return self._clusters

    def _compute(self) -> DuplicateClusters:
        pairs = [(a, b) for a, b in self._db.get().execute(_PAIRS, FOLDED_QUEUES)]
        groups = connected_groups(pairs)
        assets = self._assets([member for group in groups for member in group])
        keeper_of: dict[str, str] = {}
        for group in groups:
            present = [assets[m] for m in group if m in assets]
            if len(present) < 2:
                continue
            keeper = min(present, key=keeper_rank).id
            keeper_of.update((member.id, keeper) for member in present)
        return DuplicateClusters(keeper_of=keeper_of)

    def _assets(self, ids: list[str]) -> dict[str, Asset]:
        """Members as the system sees them (for the keeper rule), a page of ids per request."""
        found: dict[str, Asset] = {}
        for start in range(0, len(ids), FETCH_PAGE):
            chunk = tuple(ids[start : start + FETCH_PAGE])
            query = Query(mode=SearchMode.keyword, filters=Filters(ids=chunk), size=len(chunk), facets=())
            found.update((hit.asset.id, hit.asset) for hit in self._store.search(query).hits)
        return found
