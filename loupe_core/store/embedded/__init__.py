"""Embedded backend: SQLite (WAL, FTS5) for metadata and keywords, NumPy for vectors."""

from loupe_core.store.embedded.store import EmbeddedStore

__all__ = ["EmbeddedStore"]
