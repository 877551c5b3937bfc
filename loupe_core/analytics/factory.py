"""Opens the search log in the configured backend's own store; the OpenSearch client is imported only when selected."""

from __future__ import annotations

from loupe_core.analytics.base import SearchLog
from loupe_core.settings import Settings


def open_search_log(settings: Settings) -> SearchLog:
    """No I/O for OpenSearch (the log index is created on first use), so the app starts without a cluster."""
    if settings.backend == "opensearch":
        from loupe_core.analytics.opensearch_log import OpenSearchSearchLog

        return OpenSearchSearchLog.from_settings(settings)
    from loupe_core.analytics.embedded_log import EmbeddedSearchLog

    return EmbeddedSearchLog(settings.search_log_path)
