"""How Loupe talks to OpenSearch: bounded timeouts, a few retries with backoff, domain errors.

opensearch-py's transport retries immediately, without backoff, and leaves connection
failures as library exceptions. Its own retries are switched off here and `Cluster.call`
retries instead: connection refusals (a node restarting), 429/502/503/504 (overload, a
proxy or a recovering shard) and searches that failed because a node left mid-request are
retried a small, fixed number of times with exponential backoff; a timeout is not retried,
so a caller waits at most about one timeout. Whatever still fails becomes `BackendUnavailable`,
which the API maps to 503.

A cluster is given as several URLs (`LOUPE_OPENSEARCH_URL=http://a:9200,http://b:9200`):
requests go round-robin over them, and a node that refuses a connection is set aside by
opensearch-py's pool (tried again after a pause), so the retry lands on another node. One URL
behind a load balancer works too; listing the nodes needs no proxy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from loupe_core.errors import BackendUnavailable
from loupe_core.settings import Settings
from loupe_core.store.opensearch.node_departure import left_with_a_node
from loupe_core.store.opensearch.serializer import CompactJSONSerializer

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRIES = 2
BACKOFF_S = 0.25
# Sync FastAPI routes run on a 40-thread pool; a smaller pool would open and drop connections.
POOL_MAXSIZE = 40


def redacted(url: str) -> str:
    """The URL without user:password, so that error messages and logs never carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def hosts_of(url: str) -> list[str]:
    """The comma-separated URLs of `LOUPE_OPENSEARCH_URL`, in order, blanks dropped."""
    hosts = [part.strip() for part in url.split(",") if part.strip()]
    if not hosts:
        raise ValueError("no OpenSearch URL given")
    return hosts


def is_transient(exc: TransportError) -> bool:
    """Overload, a node restarting or leaving mid-search: worth another try, on another node."""
    if isinstance(exc, ConnectionTimeout):
        return False
    if isinstance(exc, TransportConnectionError) or exc.status_code in RETRY_STATUSES:
        return True
    return isinstance(exc.info, dict) and left_with_a_node(exc.info.get("error"))


class Cluster:
    """One OpenSearch client plus the policy every request goes through."""

    def __init__(
        self, client: OpenSearch, url: str, timeout_s: float, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.client = client
        self.url = ",".join(redacted(host) for host in hosts_of(url))
        self.timeout_s = timeout_s
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings: Settings) -> Cluster:
        client = OpenSearch(
            hosts=hosts_of(settings.opensearch_url),
            timeout=settings.opensearch_timeout_s,
            max_retries=0,
            retry_on_timeout=False,
            pool_maxsize=POOL_MAXSIZE,
            serializer=CompactJSONSerializer(),
        )
        return cls(client, settings.opensearch_url, settings.opensearch_timeout_s)

    def call(self, action: str, operation: Callable[[OpenSearch], T]) -> T:
        """Run `operation(client)`, retrying transient failures; only for idempotent requests."""
        attempt = 0
        while True:
            try:
                with self.unavailable_as_domain_error(action):
                    return operation(self.client)
            except BackendUnavailable as exc:
                cause = exc.__cause__
                if attempt >= MAX_RETRIES or not isinstance(cause, TransportError) or not is_transient(cause):
                    raise
            self._sleep(BACKOFF_S * 2**attempt)
            attempt += 1

    @contextmanager
    def unavailable_as_domain_error(self, action: str) -> Iterator[None]:
        """Turn 'cannot reach / overloaded / timed out' into BackendUnavailable; other errors pass."""
        try:
            yield
        except ConnectionTimeout as exc:
            raise BackendUnavailable(
                f"OpenSearch at {self.url} did not answer {action} within {self.timeout_s:g} s"
            ) from exc
        except TransportConnectionError as exc:
            raise BackendUnavailable(f"OpenSearch at {self.url} is unreachable ({action}): {exc.error}") from exc
        except TransportError as exc:
            if not is_transient(exc):
                raise
            raise BackendUnavailable(
                f"OpenSearch at {self.url} is unavailable ({action}): HTTP {exc.status_code} {exc.error}"
            ) from exc

    def close(self) -> None:
        self.client.close()
