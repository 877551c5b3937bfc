"""OpenSearch backend: versioned indices behind aliases, a pure Query -> DSL compiler, k-NN + RRF."""

from loupe_core.store.opensearch.store import OpenSearchStore

__all__ = ["OpenSearchStore"]
