"""Sign-in attempt limits: sliding windows per client address and per (address, user name), in bounded memory.

Kept in memory per process: one process serves a Loupe node, and a multi-node deployment puts
its proxy's limiter in front. Memory stays bounded whatever clients send: keys are kept in the
order they were last seen, keys whose window has passed are dropped from the front as new keys
arrive, and past `max_keys` live keys the least recently seen one is forgotten (its count
restarts). A key under attack is the most recently seen one, so it is never the one forgotten;
flooding the table with fresh user names to flush it is itself counted by the per-address limit.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from loupe_core.settings import Settings

DEFAULT_MAX_KEYS = 10_000
"""A key costs ~350 bytes with one try, ~600 with ten: a full table stays under ~6 MB."""


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hits)

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may try now (and the try is counted)."""
        now = self._clock()
        cutoff = now - self.window_s
        with self._lock:
            self._forget_expired(cutoff)
            hits = [t for t in self._hits.pop(key, ()) if t > cutoff]
            self._hits[key] = hits
            if len(hits) >= self.limit:
                return hits[0] + self.window_s - now
            hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return 0.0

    def _forget_expired(self, cutoff: float) -> None:
        """Drops least-recently-seen keys whose every try has left the window (amortised O(1) a call)."""
        while self._hits:
            oldest = next(iter(self._hits.values()))
            if oldest and oldest[-1] > cutoff:
                return
            self._hits.popitem(last=False)


def client_key(host: str | None) -> str:
    """The address a client is counted under: IPv6 folded to its /64, which one host commonly holds whole,
    so rotating through its own addresses earns no fresh tries."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class LoginThrottle:
    """Both sign-in limits: per client address across all user names (credential stuffing), and per
    address and user name (guessing one password). Callers pass the user name already canonical,
    the very form sign-in looks up, so spelling variants of one name share one count."""

    def __init__(self, per_name: int, per_client: int, window_s: float = 60.0, max_keys: int = DEFAULT_MAX_KEYS):
        self.per_client = SlidingWindowLimiter(per_client, window_s, max_keys)
        self.per_name = SlidingWindowLimiter(per_name, window_s, max_keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        return cls(settings.login_attempts_per_minute, settings.login_attempts_per_client_per_minute)

    def retry_after(self, client: str, user_name: str) -> float:
        """Seconds until this try would be allowed; 0 when it is allowed now (and counted under both limits)."""
        return self.per_client.retry_after(client) or self.per_name.retry_after(f"{client}|{user_name}")
