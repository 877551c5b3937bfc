"""Collections as people use them: create, describe, share, fill, read and filter by, every step permission-checked.

A collection stores ids; everything read out of it goes through the search service under the
reader's own principal, so an item the reader may not see (another group's asset, a draft, an
expired licence hidden from viewers) is left out and only counted. Edits and shares are audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from loupe_core.asset_collections.access import Access, access_of
from loupe_core.asset_collections.store import Collection, CollectionStore, ShareRole
from loupe_core.errors import Forbidden, InvalidQuery, RecordNotFound
from loupe_core.principal import Principal, Role
from loupe_core.query import Filters, Query, SearchMode, SearchResult
from loupe_core.schema import Asset
from loupe_core.search_service import SearchService

MAX_ITEMS = 10_000
"""Items one collection holds: the deepest either backend pages, so a collection is always searchable whole."""
MAX_NAME = 200
MAX_DESCRIPTION = 5000
LOOKUP_BATCH = 500
"""Ids per visibility lookup when a whole collection is read (downloads)."""

Audit = Callable[[str, str, str, dict[str, Any]], None]
"""(actor, action, target, changes): `AccountStore.record`."""


@dataclass(frozen=True)
class CollectionView:
    """A collection as one caller may see it."""

    collection: Collection
    access: Access
    visible_count: int

    @property
    def hidden_count(self) -> int:
        """Items this caller can't see (or that left the library): shown as a number, never named."""
        return self.collection.item_count - self.visible_count


@dataclass(frozen=True)
class CollectionPage:
    view: CollectionView
    result: SearchResult


@dataclass(frozen=True)
class ItemChange:
    """What adding or removing did; `refused` are ids the caller cannot see (or that do not exist)."""

    changed: list[str]
    unchanged: list[str]
    refused: list[str]


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidQuery(f"a collection needs a name of 1 to {MAX_NAME} characters")
    return cleaned


def _description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION:
        raise InvalidQuery(f"descriptions are limited to {MAX_DESCRIPTION} characters")
    return description.strip()


class CollectionService:
    def __init__(
        self, store: CollectionStore, search: SearchService, audit: Audit, known_groups: Callable[[], set[str]]
    ) -> None:
        self._store = store
        self._search = search
        self._audit = audit
        self._known_groups = known_groups

    # -- reading ------------------------------------------------------------------------------
    def _open(
        self, principal: Principal, collection_id: str, needed: Access = Access.viewer
    ) -> tuple[Collection, Access]:
        """The collection and the caller's access; unknown and unshared look the same (404)."""
        collection = self._store.get(collection_id)
        access = access_of(collection, principal) if collection else None
        if collection is None or access is None:
            raise RecordNotFound(f"no collection {collection_id!r}")
        if access < needed:
            raise Forbidden(
                f"you may view this collection but not {'edit' if needed is Access.editor else 'manage'} it"
            )
        return collection, access

    def _count_visible(self, principal: Principal, ids: Sequence[str]) -> int:
        return self._search.search(self._ids_query(principal, ids, size=0)).total if ids else 0

    @staticmethod
    def _ids_query(principal: Principal, ids: Sequence[str], size: int, page: int = 1) -> Query:
        return Query(filters=Filters(ids=tuple(ids)), mode=SearchMode.keyword, facets=(), size=size, page=page,
                     principal=principal)  # fmt: skip

    def _candidates(self, principal: Principal) -> list[Collection]:
        """Owned or shared with one of the caller's groups (every one, for an admin); `access_of` decides."""
        if principal.role is Role.admin:
            return self._store.every()
        return self._store.readable_by(None if principal.is_guest else principal.user_id, principal.groups)

    def view(self, principal: Principal, collection_id: str) -> CollectionView:
        collection, access = self._open(principal, collection_id)
        return CollectionView(collection, access, self._count_visible(principal, self._store.item_ids(collection.id)))

    def readable(self, principal: Principal) -> list[CollectionView]:
        """Every collection the caller owns or was shared, each counted under their permissions."""
        views = []
        for collection in self._candidates(principal):
            access = access_of(collection, principal)
            if access is not None:
                visible = self._count_visible(principal, self._store.item_ids(collection.id))
                views.append(CollectionView(collection, access, visible))
        return views

    def page(self, principal: Principal, collection_id: str, page: int, size: int) -> CollectionPage:
        """One page of the items the caller may see, newest indexed first (the library's browse order)."""
        collection, access = self._open(principal, collection_id)
        ids = self._store.item_ids(collection.id)
        if not ids:
            return CollectionPage(CollectionView(collection, access, 0), SearchResult(total=0, hits=[]))
        result = self._search.search(self._ids_query(principal, ids, size=size, page=page))
        return CollectionPage(CollectionView(collection, access, result.total), result)

    def visible_assets(self, principal: Principal, collection_id: str) -> Iterator[Asset]:
        """Every item the caller may see, in the order they were added, read in batches."""
        collection, _ = self._open(principal, collection_id)
        yield from self._visible(principal, self._store.item_ids(collection.id))

    def editable(self, principal: Principal) -> list[Collection]:
        """Collections the caller may add to (the pickers), uncounted: a picker on every results page stays cheap."""
        return [c for c in self._candidates(principal) if (access_of(c, principal) or Access.viewer) >= Access.editor]

    def holding(self, principal: Principal, asset_id: str) -> list[tuple[Collection, bool]]:
        """The caller's editable collections, each with whether it holds the asset (the asset page)."""
        editable = self.editable(principal)
        holding = self._store.containing(asset_id, [c.id for c in editable])
        return [(collection, collection.id in holding) for collection in editable]

    def narrow(self, principal: Principal, filters: Filters, collection_id: str) -> Filters:
        """`collection=` as a search filter: the collection's ids, intersected with any ids already asked for.

        Only ever narrows: the store still applies the caller's visibility to every id.
        """
        collection, _ = self._open(principal, collection_id)
        ids = self._store.item_ids(collection.id)
        if filters.ids is not None:
            wanted = set(filters.ids)
            ids = [asset_id for asset_id in ids if asset_id in wanted]
        return filters.model_copy(update={"ids": tuple(ids)})

    # -- writing ------------------------------------------------------------------------------
    def create(self, principal: Principal, name: str, description: str = "") -> Collection:
        if principal.is_guest:
            raise Forbidden("sign in to keep collections")
        collection = self._store.create(principal.user_id, _name(name), _description(description))
        self._audit(principal.user_id, "collection.create", f"collection:{collection.id}",
                    {"name": [None, collection.name]})  # fmt: skip
        return collection

    def describe(self, principal: Principal, collection_id: str, name: str, description: str) -> Collection:
        """Rename and describe in one step (editors may); the audit entry holds what changed."""
        before, _ = self._open(principal, collection_id, Access.editor)
        after_name, after_description = _name(name), _description(description)
        self._store.describe(before.id, after_name, after_description)
        changes = {
            field: [old, new]
            for field, old, new in (
                ("name", before.name, after_name),
                ("description", before.description, after_description),
            )
            if old != new
        }
        if changes:
            self._audit(principal.user_id, "collection.describe", f"collection:{before.id}", changes)
        return self._open(principal, collection_id)[0]

    def delete(self, principal: Principal, collection_id: str) -> None:
        collection, _ = self._open(principal, collection_id, Access.owner)
        self._store.delete(collection.id)
        self._audit(principal.user_id, "collection.delete", f"collection:{collection.id}",
                    {"name": [collection.name, None], "items": [collection.item_count, None]})  # fmt: skip

    def share(self, principal: Principal, collection_id: str, shares: dict[str, ShareRole]) -> Collection:
        """Replaces the shares (owner or admin); only groups that exist can be named."""
        collection, _ = self._open(principal, collection_id, Access.owner)
        unknown = sorted(set(shares) - self._known_groups())
        if unknown:
            raise InvalidQuery(f"no such group: {', '.join(unknown)}")
        self._store.set_shares(collection.id, shares)
        before = {g: r.value for g, r in collection.shares.items()}
        after = {g: r.value for g, r in shares.items()}
        if before != after:
            self._audit(
                principal.user_id, "collection.share", f"collection:{collection.id}", {"shares": [before, after]}
            )
        return self._open(principal, collection_id)[0]

    def add(self, principal: Principal, collection_id: str, asset_ids: Sequence[str]) -> ItemChange:
        """Adds the ids the caller can see; one they cannot is refused exactly like one that does not exist."""
        collection, _ = self._open(principal, collection_id, Access.editor)
        wanted = list(dict.fromkeys(asset_ids))
        visible = self._visible_ids(principal, wanted)
        if collection.item_count + len(visible) > MAX_ITEMS:
            raise InvalidQuery(f"a collection holds at most {MAX_ITEMS:,} items")
        added = self._store.add_items(collection.id, [i for i in wanted if i in visible], principal.user_id)
        if added:
            self._audit(principal.user_id, "collection.add", f"collection:{collection.id}", {"items": [None, added]})
        return ItemChange(added, [i for i in wanted if i in visible and i not in added],
                          [i for i in wanted if i not in visible])  # fmt: skip

    def remove(self, principal: Principal, collection_id: str, asset_ids: Sequence[str]) -> ItemChange:
        """Removes ids the caller can see: an item hidden from them is not theirs to learn about or drop."""
        collection, _ = self._open(principal, collection_id, Access.editor)
        wanted = list(dict.fromkeys(asset_ids))
        visible = self._visible_ids(principal, wanted)
        removed = self._store.remove_items(collection.id, [i for i in wanted if i in visible])
        if removed:
            self._audit(
                principal.user_id, "collection.remove", f"collection:{collection.id}", {"items": [removed, None]}
            )
        return ItemChange(removed, [i for i in wanted if i in visible and i not in removed],
                          [i for i in wanted if i not in visible])  # fmt: skip

    def _visible(self, principal: Principal, ids: Sequence[str]) -> Iterator[Asset]:
        """The assets among `ids` the caller may see, in the order of `ids`, looked up a batch at a time."""
        for start in range(0, len(ids), LOOKUP_BATCH):
            batch = ids[start : start + LOOKUP_BATCH]
            hits = self._search.search(self._ids_query(principal, batch, len(batch))).hits
            found = {hit.asset.id: hit.asset for hit in hits}
            yield from (found[asset_id] for asset_id in batch if asset_id in found)

    def _visible_ids(self, principal: Principal, ids: Sequence[str]) -> set[str]:
        return {asset.id for asset in self._visible(principal, ids)}
