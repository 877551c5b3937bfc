"""What the header search form shows: the typed text, mode, sort and the filters it must resend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from loupe_core.query import SearchMode, SortOrder


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    mode: SearchMode = SearchMode.hybrid
    sort: SortOrder = SortOrder.relevance
    carried: tuple[tuple[str, str], ...] = ()
    """Active filters as hidden inputs, so a new text search keeps them (chips remove them)."""
    live: bool = False
    """Search as you type (htmx) only where the page has a `#results` region to swap."""

    modes: ClassVar[tuple[SearchMode, ...]] = (SearchMode.hybrid, SearchMode.keyword, SearchMode.semantic)
    mode_help: ClassVar[dict[SearchMode, str]] = {
        SearchMode.hybrid: "Words and meaning together",
        SearchMode.keyword: "Only assets whose words match",
        SearchMode.semantic: "By meaning and look, even without matching words",
    }
    sorts: ClassVar[tuple[SortOrder, ...]] = tuple(SortOrder)
