"""Opens the configured backend; the OpenSearch client is imported only when selected."""

from __future__ import annotations

from loupe_core.mapping import load_index_definition
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore


def open_store(settings: Settings) -> AssetStore:
    definition = load_index_definition(settings.mappings_dir, "assets")
    if settings.backend == "opensearch":
        from loupe_core.store.opensearch import OpenSearchStore

        return OpenSearchStore.from_settings(settings, definition)
    from loupe_core.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.embedded_db_path, definition, settings.sqlite_busy_timeout_s)
