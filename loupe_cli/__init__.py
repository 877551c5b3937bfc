"""The `loupe` command: the composition root that wires indexer, API and web together."""
