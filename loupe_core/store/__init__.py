"""Asset stores: one protocol (`base.AssetStore`), two backends (embedded, OpenSearch)."""
