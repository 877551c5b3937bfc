"""Request and response bodies for collections and saved searches (what OpenAPI documents)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from loupe_core.asset_collections.access import Access
from loupe_core.asset_collections.service import MAX_DESCRIPTION, MAX_NAME, CollectionView, ItemChange
from loupe_core.asset_collections.store import ShareRole
from loupe_core.saved_searches.saved_query import SavedQuery
from loupe_core.saved_searches.service import SavedSearchStatus
from search_api.schemas import SearchResponse
from search_api.search_parameters import search_query_string

MAX_IDS = 1000
"""Asset ids one request adds or removes (a results page is at most 100)."""


class CollectionBody(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)


class CollectionChanges(BaseModel):
    """Absent fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)


class SharesBody(BaseModel):
    shares: dict[str, ShareRole] = Field(description="Group -> viewer or editor; replaces every share")


class ItemIds(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=MAX_IDS)


class CollectionOut(BaseModel):
    id: str
    name: str
    description: str
    owner: str
    access: str
    """Yours on it: owner, editor or viewer."""
    shares: dict[str, ShareRole]
    visible_count: int
    hidden_count: int
    """Items you can't see: counted, never named."""
    created_at: str
    updated_at: str
    url: str
    download_url: str
    search_url: str


class CollectionItems(BaseModel):
    collection: CollectionOut
    results: SearchResponse


class ItemChangeOut(BaseModel):
    changed: list[str]
    unchanged: list[str]
    refused: list[str]
    """Ids you cannot see, or that do not exist: the two are indistinguishable."""


def collection_out(view: CollectionView) -> CollectionOut:
    collection = view.collection
    url = f"/api/collections/{collection.id}"
    return CollectionOut(
        id=collection.id,
        name=collection.name,
        description=collection.description,
        owner=collection.owner,
        access=Access(view.access).name,
        shares=collection.shares,
        visible_count=view.visible_count,
        hidden_count=view.hidden_count,
        created_at=collection.created_at,
        updated_at=collection.updated_at,
        url=url,
        download_url=f"{url}/download",
        search_url=f"/api/search?collection={collection.id}",
    )


def item_change_out(change: ItemChange) -> ItemChangeOut:
    return ItemChangeOut(changed=change.changed, unchanged=change.unchanged, refused=change.refused)


class SavedSearchName(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)


class SavedSearchOut(BaseModel):
    id: str
    name: str
    query: SavedQuery
    created_at: datetime
    last_run_at: datetime
    new_count: int | None
    """Results new since you last ran it, as you may see them now; null when it cannot run (its collection is gone)."""
    search_url: str
    """The plain search (does not reset the count); POST `run_url` to run it and reset the count."""
    run_url: str


def saved_search_out(status: SavedSearchStatus) -> SavedSearchOut:
    saved = status.saved
    query_string = search_query_string(saved.query)
    return SavedSearchOut(
        id=saved.id,
        name=saved.name,
        query=saved.query,
        created_at=saved.created_at,
        last_run_at=saved.last_run_at,
        new_count=status.new_count,
        search_url=f"/api/search?{query_string}" if query_string else "/api/search",
        run_url=f"/api/saved-searches/{saved.id}/run",
    )
