"""Page links for a result list: previous/next plus a window of numbers around the current page."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from search_api.params import MAX_PAGE
from web.query_string import QueryString

WINDOW = 2


@dataclass(frozen=True)
class PageLink:
    number: int | None
    """None marks a gap ("…") between non-adjacent numbers."""
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    previous_url: str | None
    next_url: str | None
    pages: tuple[PageLink, ...]


def paginate(total: int, page: int, size: int, qs: QueryString) -> Pagination | None:
    """None when everything fits on one page (or the caller asked for counts only, size=0)."""
    last = min(ceil(total / size), MAX_PAGE) if size else 0  # links never point past what the API accepts
    if last <= 1:
        return None
    shown = sorted({1, last, *range(max(1, page - WINDOW), min(last, page + WINDOW) + 1)})
    pages: list[PageLink] = []
    for number in shown:
        if pages and pages[-1].number is not None and number - pages[-1].number > 1:
            pages.append(PageLink(None))
        pages.append(PageLink(number, qs.with_page(number), number == page))
    return Pagination(
        previous_url=qs.with_page(min(page - 1, last)) if page > 1 else None,
        next_url=qs.with_page(page + 1) if page < last else None,
        pages=tuple(pages),
    )
