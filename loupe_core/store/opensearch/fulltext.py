"""User text to OpenSearch clauses: typo-tolerant keyword matching, prefixes and highlights.

User text only ever reaches `multi_match` (never `query_string`), so it has no syntax: quotes,
operators and wildcards are plain characters the analyzers drop.
"""

from __future__ import annotations

import re

from loupe_core.store.opensearch.filters import Clause
from loupe_core.store.opensearch.search_schema import SearchSchema

# Typo variants per word and field, as many as the embedded backend expands (MAX_VARIANTS).
MAX_EXPANSIONS = 8
# Every variant is a clause once the cluster rewrites fuzzy terms, and a query may hold at
# most 1024 (`indices.query.bool.max_clause_count`): 24 words x 4 fields x 8 variants plus
# the prefix clauses stays below it even on a vocabulary full of near-misses.
MAX_TOKENS = 24
HIGHLIGHT_OPEN = "<mark>"
HIGHLIGHT_CLOSE = "</mark>"
_WORD = re.compile(r"\w+", re.UNICODE)


def _searchable(text: str) -> str | None:
    """The text up to its `MAX_TOKENS`-th word, or None when it has no words at all."""
    words = list(_WORD.finditer(text))
    if not words:
        return None
    return text if len(words) <= MAX_TOKENS else text[: words[MAX_TOKENS - 1].end()]


def keyword_clause(text: str, schema: SearchSchema) -> Clause | None:
    """Typo-tolerant match OR as-you-type prefix match; None when the text has no words."""
    searchable = _searchable(text)
    if searchable is None:
        return None
    fields = [f"{name}^{weight:g}" for name, weight in schema.weights.items()]
    should: list[Clause] = [
        {
            "multi_match": {
                "query": searchable,
                "fields": fields,
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "max_expansions": MAX_EXPANSIONS,
                "operator": "or",
            }
        }
    ]
    if schema.prefix_fields:
        should.append(
            {"multi_match": {"query": searchable, "type": "bool_prefix", "fields": list(schema.prefix_fields)}}
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def highlight_clause(text: str, schema: SearchSchema) -> Clause | None:
    """What to mark: the keyword clause plus prefixes on the highlighted fields themselves.

    Prefix matching searches `title.suggest`, which the highlighter does not map back to
    `title`; asking for prefixes on the highlighted fields marks "Astro" in "Astronaut"
    as the embedded backend does.
    """
    keyword = keyword_clause(text, schema)
    if keyword is None:
        return None
    prefixes = {
        "multi_match": {"query": _searchable(text), "type": "bool_prefix", "fields": list(schema.highlight_fields)}
    }
    return {"bool": {"should": [keyword, prefixes], "minimum_should_match": 1}}


def highlight_spec(schema: SearchSchema, highlight_query: Clause) -> Clause:
    """Whole values (`number_of_fragments: 0`; tags one per value), HTML-escaped by the cluster."""
    return {
        "encoder": "html",
        "pre_tags": [HIGHLIGHT_OPEN],
        "post_tags": [HIGHLIGHT_CLOSE],
        "fields": {field: {"number_of_fragments": 0} for field in schema.highlight_fields},
        "highlight_query": highlight_query,
    }
