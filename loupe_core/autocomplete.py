"""Autocomplete: titles completing what was typed, plus what other people searched for and found.

Popular past queries are the best completions a library has (Typesense's `popular_queries`),
but a query is also a leak: a confidential project's name, typed by the group that owns it,
must not be offered to someone outside it. So a past query is offered only when, run now by
this caller under their own permissions, it finds at least one asset. Titles come from a
search under the same permissions, so neither kind names anything the caller could not find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from loupe_core.analytics.base import SearchLog
from loupe_core.principal import Principal
from loupe_core.search_service import SearchService

KINDS = frozenset({"query", "title"})
QUERY_CANDIDATES = 10
"""Past queries read from the log per keystroke; each is checked with one count-only search."""


@dataclass(frozen=True)
class Completion:
    kind: Literal["query", "title"]
    text: str
    asset_id: str | None = None
    """For a title: the asset it belongs to."""


class Autocomplete:
    def __init__(
        self,
        search: SearchService,
        log: SearchLog,
        window_days: int,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.search = search
        self.log = log
        self.window_days = window_days
        self.today = today

    def complete(
        self, prefix: str, principal: Principal | None, size: int, kinds: frozenset[str] = KINDS
    ) -> list[Completion]:
        """Up to `size`: past queries first (at most half, more when titles run short), then titles."""
        found = self.search.suggest(prefix, principal, size) if "title" in kinds else []
        titles = [Completion("title", title, asset_id) for asset_id, title in found]
        queries = self._queries(prefix, principal, size) if "query" in kinds else []
        room = max(size - len(titles), (size + 1) // 2)
        chosen = queries[:room]
        said = {c.text.casefold() for c in chosen}
        return [*chosen, *(t for t in titles if t.text.casefold() not in said)][:size]

    def _queries(self, prefix: str, principal: Principal | None, size: int) -> list[Completion]:
        until = self.today()
        since = until - timedelta(days=self.window_days)
        found: list[Completion] = []
        for query in self.log.popular_queries(prefix, since, until, limit=QUERY_CANDIDATES):
            if self.search.finds_anything(query, principal):
                found.append(Completion("query", query))
            if len(found) == size:
                break
        return found
