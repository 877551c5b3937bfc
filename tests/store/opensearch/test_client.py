"""The request policy: which failures are retried, with what backoff, and what callers see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import ConnectionTimeout, RequestError, TransportError

from loupe_core.errors import BackendUnavailable
from loupe_core.store.opensearch.client import Cluster, redacted


def cluster(sleeps: list[float]) -> Cluster:
    return Cluster(OpenSearch(hosts=["http://127.0.0.1:9"]), "http://user:secret@127.0.0.1:9", 2.0, sleeps.append)


def failing(errors: list[Exception], result: str = "ok") -> Callable[[OpenSearch], str]:
    def operation(_: OpenSearch) -> str:
        if errors:
            raise errors.pop(0)
        return result

    return operation


def test_transient_failures_are_retried_with_exponential_backoff() -> None:
    sleeps: list[float] = []
    errors: list[Exception] = [TransportError(503, "unavailable"), TransportConnectionError("N/A", "refused", None)]
    assert cluster(sleeps).call("search", failing(errors)) == "ok"
    assert sleeps == [0.25, 0.5]


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_exhausted_retries_become_backend_unavailable(status: int) -> None:
    sleeps: list[float] = []
    errors: list[Exception] = [TransportError(status, "busy") for _ in range(3)]
    with pytest.raises(BackendUnavailable, match=f"HTTP {status}"):
        cluster(sleeps).call("search", failing(errors))
    assert len(sleeps) == 2


def test_a_timeout_is_not_retried() -> None:
    sleeps: list[float] = []
    with pytest.raises(BackendUnavailable, match="did not answer search within 2 s"):
        cluster(sleeps).call("search", failing([ConnectionTimeout("TIMEOUT", "read timed out", None)]))
    assert sleeps == []


def test_request_errors_pass_through_untouched() -> None:
    sleeps: list[float] = []
    with pytest.raises(RequestError):
        cluster(sleeps).call("search", failing([RequestError(400, "parsing_exception", {})]))
    assert sleeps == []


def test_messages_never_carry_credentials() -> None:
    assert redacted("https://admin:s3cret@search.example:9200/prefix?x=1") == "https://search.example:9200/prefix"
    with pytest.raises(BackendUnavailable) as raised:
        cluster([]).call("count", failing([TransportConnectionError("N/A", "refused", None)] * 3))
    assert "secret" not in str(raised.value) and "127.0.0.1:9" in str(raised.value)
