"""OpenSearch store tests share the session's node (see tests/opensearch_node.py)."""

from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)
