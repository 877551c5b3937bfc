"""A saved query written back as the search's query-string parameters: `search_query`'s inverse.

Saved searches keep the core `SavedQuery`; links (the API's `search_url`, the pages' "Run") need the
parameter names `search_api.params.search_query` reads. A round-trip test holds the two together, and
a second one fails when `Filters` gains a field that is missing here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from loupe_core.query import DEFAULT_COLOR_DELTA_E, SearchMode, SortOrder
from loupe_core.saved_searches.saved_query import SavedQuery

LIST_PARAMETERS = {
    "taxonomy": "taxonomy",
    "tag": "tags",
    "status": "status",
    "file_type": "file_type",
    "orientation": "orientation",
    "owner": "owner",
    "license": "license",
    "color_family": "color_family",
}
"""Query-string name -> `Filters` field, for the repeatable parameters."""
SINGLE_PARAMETERS = {
    "color": "color",
    "created_from": "created_from",
    "created_to": "created_to",
    "has_text": "has_text",
}
COMPANION_PARAMETERS = {"color_distance": "color_delta_e"}
"""Written only beside their filter (a tolerance without a colour means nothing) and when not the default."""


def search_parameters(saved: SavedQuery) -> list[tuple[str, str]]:
    """(name, value) pairs in a stable order; defaults are left out so links stay short."""
    filters = saved.filters
    pairs: list[tuple[str, str]] = [("q", saved.text)] if saved.text else []
    if saved.mode is not SearchMode.hybrid:
        pairs.append(("mode", saved.mode.value))
    if saved.sort is not SortOrder.relevance:
        pairs.append(("sort", saved.sort.value))
    for name, field in LIST_PARAMETERS.items():
        pairs.extend((name, str(value)) for value in getattr(filters, field))
    for name, field in SINGLE_PARAMETERS.items():
        value = getattr(filters, field)
        if isinstance(value, bool):
            pairs.append((name, str(value).lower()))
        elif value is not None:
            pairs.append((name, value.isoformat() if hasattr(value, "isoformat") else str(value)))
    if filters.color is not None and filters.color_delta_e != DEFAULT_COLOR_DELTA_E:
        pairs.append(("color_distance", str(filters.color_delta_e)))
    if saved.collection:
        pairs.append(("collection", saved.collection))
    return pairs


def search_query_string(saved: SavedQuery) -> str:
    return urlencode(search_parameters(saved))
