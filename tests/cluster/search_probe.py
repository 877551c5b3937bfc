"""Searches in a background thread while a fault happens, each answer compared with the healthy one.

A search that raises is a failure; one that answers differently from the healthy cluster (other
hits, order, total or facet counts) is a mismatch. Both must stay at zero through a node loss.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import TracebackType

from loupe_core.query import Query
from loupe_core.store.base import AssetStore

Answer = tuple[int, list[str], dict[str, list[tuple[str, int]]]]
PAUSE_S = 0.02
"""Between searches: steady load that still leaves the (2-core) machine to the nodes' restarts."""


def answer_of(store: AssetStore, query: Query) -> Answer:
    """What a search shows: total, hit ids in order, facet buckets in order."""
    result = store.search(query)
    facets = {name.value: [(b.value, b.count) for b in buckets] for name, buckets in result.facets.items()}
    return result.total, [hit.asset.id for hit in result.hits], facets


@dataclass
class SearchProbe:
    """`with SearchProbe(store, queries, expected): <fault>` searches round-robin until the block ends."""

    store: AssetStore
    queries: list[Query]
    expected: list[Answer]
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def wait_for_answers(self, count: int, timeout_s: float = 60) -> None:
        """Let searches run before the fault, so the fault lands among them."""
        for _ in range(int(timeout_s * 20)):
            if self.answered >= count or self.failures:
                return
            self._stop.wait(0.05)

    def _run(self) -> None:
        turn = 0
        while not self._stop.is_set():
            index = turn % len(self.queries)
            turn += 1
            try:
                got = answer_of(self.store, self.queries[index])
            except Exception as exc:
                self.failures.append(f"query {index}: {type(exc).__name__}: {exc}")
                continue
            self.answered += 1
            if got != self.expected[index]:
                self.mismatches.append(f"query {index}: {got} != {self.expected[index]}")
            self._stop.wait(PAUSE_S)

    def __enter__(self) -> SearchProbe:
        self._thread = threading.Thread(target=self._run, name="search-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
