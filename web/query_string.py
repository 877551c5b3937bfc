"""The discover page's current query string, and the links that change one part of it.

Facet links, chips and pagination are plain `<a href>` built here, so every filter works
without JavaScript; htmx reuses the same URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

DISCOVER_PATH = "/"
FORM_CONTROLS = frozenset({"q", "mode", "sort"})
"""Parameters the search form renders as visible controls (everything else travels hidden)."""


@dataclass(frozen=True)
class QueryString:
    """Ordered (name, value) pairs with empty values dropped, so links stay short and canonical."""

    items: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, params: QueryParams) -> QueryString:
        return cls(tuple((name, value) for name, value in params.multi_items() if value))

    def first(self, name: str) -> str:
        return next((value for key, value in self.items if key == name), "")

    def with_values(self, name: str, values: Iterable[str]) -> str:
        """Replace every value of `name`; a changed filter makes the old page number meaningless."""
        kept = [(key, value) for key, value in self.items if key not in (name, "page")]
        return _url([*kept, *((name, value) for value in values)])

    def minus(self, names: Iterable[str]) -> QueryString:
        dropped = set(names)
        return QueryString(tuple((key, value) for key, value in self.items if key not in dropped))

    def without(self, names: Iterable[str]) -> str:
        dropped = {*names, "page"}
        return _url([(key, value) for key, value in self.items if key not in dropped])

    def with_page(self, page: int) -> str:
        kept = [(key, value) for key, value in self.items if key != "page"]
        return _url([*kept, ("page", str(page))] if page > 1 else kept)

    def carried(self) -> list[tuple[str, str]]:
        """What the search form must resend as hidden inputs so typing keeps the active filters."""
        return [(key, value) for key, value in self.items if key not in FORM_CONTROLS and key != "page"]


def _url(items: list[tuple[str, str]]) -> str:
    return f"{DISCOVER_PATH}?{urlencode(items)}" if items else DISCOVER_PATH
