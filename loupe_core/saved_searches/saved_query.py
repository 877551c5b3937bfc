"""What a saved search keeps: the query as the person set it, never the results or an id list.

Ids and the "new since" instant are decided each time it runs, under the runner's permissions
then; a collection is kept by its id and read again on every run, so it follows the collection.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from loupe_core.query import Filters, Query, SearchMode, SortOrder

DERIVED_FILTERS = {"ids": None, "exclude_ids": (), "indexed_after": None}
"""Filters a search derives at run time (a collection's ids, "new since"), which a saved search never stores."""


class SavedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(default="", max_length=1000)
    mode: SearchMode = SearchMode.hybrid
    sort: SortOrder = SortOrder.relevance
    filters: Filters = Field(default_factory=Filters)
    collection: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _no_derived_filters(self) -> SavedQuery:
        if any(getattr(self.filters, name) != empty for name, empty in DERIVED_FILTERS.items()):
            raise ValueError("a saved search keeps filters, not id lists or instants")
        return self

    @classmethod
    def of(cls, query: Query, collection: str | None) -> SavedQuery:
        """The parts of a search worth keeping (a collection filter's ids are dropped: the collection is kept)."""
        return cls(
            text=query.text,
            mode=query.mode,
            sort=query.sort,
            filters=query.filters.model_copy(update=DERIVED_FILTERS),
            collection=collection or None,
        )
