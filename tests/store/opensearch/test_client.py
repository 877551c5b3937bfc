"""The request policy: which failures are retried, with what backoff, and what callers see."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import ConnectionTimeout, RequestError, TransportError

from loupe_core.errors import BackendUnavailable
from loupe_core.settings import Settings
from loupe_core.store.opensearch.client import Cluster, hosts_of, redacted


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


def test_a_cluster_is_given_as_comma_separated_urls_and_named_without_credentials() -> None:
    assert hosts_of(" http://a:9200 ,, http://b:9200") == ["http://a:9200", "http://b:9200"]
    with pytest.raises(ValueError, match="no OpenSearch URL"):
        hosts_of(" , ")
    several = Cluster(OpenSearch(hosts=["http://127.0.0.1:9"]), "http://u:secret@127.0.0.1:9,http://127.0.0.1:10", 2)
    assert several.url == "http://127.0.0.1:9,http://127.0.0.1:10"


@pytest.mark.opensearch
def test_a_node_that_refuses_connections_is_passed_over_for_the_next(opensearch_url: str) -> None:
    """Two dead URLs before a live one: every call answers, and each dead node costs one retry, once."""
    dead = []
    for _ in range(2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            dead.append(f"http://127.0.0.1:{probe.getsockname()[1]}")
    url = ",".join([*dead, opensearch_url])
    sleeps: list[float] = []
    cluster = Cluster(Cluster.from_settings(Settings(opensearch_url=url)).client, url, 5.0, sleeps.append)
    try:
        answers = [cluster.call("info", lambda c: c.info()) for _ in range(9)]
    finally:
        cluster.close()
    assert all("version" in answer for answer in answers)
    assert len(sleeps) <= 2
