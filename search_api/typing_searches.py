"""Searches made while typing are logged only once the typing settles.

Search-as-you-type fires a search per pause in typing ("sto", "storm", "storm cl"...). Logged
as they come, those partial words would swamp the analysts' top and zero-result queries. So
a typing search from a browser session is held, not logged: a newer search from the same
session within `settle_s` supersedes it (the user was still typing), otherwise it is logged
as the search the user actually looked at (a sweeper thread checks twice per settle time,
so reports see it within `settle_s` and a half). A click on a held search's results logs it
at once (it was clearly looked at), and shutting down logs whatever is still held, so
nothing the user settled on is lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from loupe_core.analytics.events import SearchEvent


@dataclass
class _Held:
    event: SearchEvent
    at: float


class TypingSearches:
    def __init__(
        self,
        record: Callable[[SearchEvent], bool],
        settle_s: float = 2.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        sweep: bool = True,
    ) -> None:
        self._record = record
        self._settle_s = settle_s
        self._capacity = capacity
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._lock = threading.Lock()
        self.superseded = 0
        """Typing searches dropped because the user typed on: partial queries, never logged."""
        self._stopped = threading.Event()
        self._sweeper: threading.Thread | None = None
        if sweep:
            self._sweeper = threading.Thread(target=self._sweep, name="loupe-typing-searches", daemon=True)
            self._sweeper.start()

    def _sweep(self) -> None:
        while not self._stopped.wait(self._settle_s / 2):
            self.release_settled()

    def hold(self, session: str, event: SearchEvent) -> None:
        """Hold a typing search from `session` (a newer one from the session replaces it)."""
        self.searched(session)
        with self._lock:
            self._held[session] = _Held(event, self._clock())
            overflow = len(self._held) - self._capacity
            oldest = list(self._held)[: max(overflow, 0)]
            released = [self._held.pop(s).event for s in oldest]
        self._log(released)

    def searched(self, session: str) -> None:
        """Any search from `session`: it supersedes the session's unsettled typing search."""
        now = self._clock()
        with self._lock:
            held = self._held.get(session)
            if held is not None and now - held.at < self._settle_s:
                del self._held[session]
                self.superseded += 1
        self.release_settled()

    def clicked(self, query_id: str) -> None:
        """A click on a held search's results: the user looked at it, log it now."""
        with self._lock:
            sessions = [s for s, held in self._held.items() if held.event.query_id == query_id]
            released = [self._held.pop(s).event for s in sessions]
        self._log(released)

    def release_settled(self) -> None:
        """Log every held search whose session has been quiet for `settle_s`."""
        now = self._clock()
        with self._lock:
            settled = [s for s, held in self._held.items() if now - held.at >= self._settle_s]
            released = [self._held.pop(s).event for s in settled]
        self._log(released)

    def release_all(self) -> None:
        """Log everything held and stop sweeping (shutdown): what the user last saw counts as settled."""
        self._stopped.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        with self._lock:
            released = [held.event for held in self._held.values()]
            self._held.clear()
        self._log(released)

    def _log(self, events: list[SearchEvent]) -> None:
        for event in events:
            self._record(event)
