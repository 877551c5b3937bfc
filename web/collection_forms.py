"""HTML form bodies for collections and saved searches, as pydantic form models.

Browsers send every field as text and leave unticked boxes out; these models accept that shape and
hand the services the same values the JSON API does.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from loupe_core.asset_collections.service import MAX_DESCRIPTION, MAX_NAME
from loupe_core.asset_collections.store import ShareRole
from loupe_core.errors import InvalidQuery

NEW_COLLECTION = "new"
"""The picker's value for "put them in a new collection"."""
NEW_COLLECTION_NAME = "New collection"


class CollectionForm(BaseModel):
    name: str = Field(max_length=MAX_NAME)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)


class SelectionForm(BaseModel):
    """Ids ticked in a grid (or the one asset of an asset page) and where to go back to."""

    ids: list[str] = Field(default_factory=list, max_length=1000)
    collection: str = Field(default="", max_length=64)
    return_to: str = Field(default="", max_length=2000)


class ShareForm(BaseModel):
    """One row per known group: `groups[i]` gets `roles[i]` ("" = not shared)."""

    groups: list[str] = Field(default_factory=list, max_length=1000)
    roles: list[Literal["", "viewer", "editor"]] = Field(default_factory=list, max_length=1000)

    def shares(self) -> dict[str, ShareRole]:
        if len(self.groups) != len(self.roles):
            raise InvalidQuery("each group needs one role (or none)")
        return {group: ShareRole(role) for group, role in zip(self.groups, self.roles, strict=True) if role}


class SavedSearchForm(BaseModel):
    name: str = Field(max_length=MAX_NAME)
