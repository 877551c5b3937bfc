"""Turns user text into a safe FTS5 MATCH expression with prefix and typo tolerance.

User text is never passed to FTS5 syntax: it is split into word tokens, each quoted. Typo
tolerance mirrors OpenSearch's `fuzziness: AUTO` (0 edits up to 2 chars, 1 up to 5, else 2,
transpositions count once, the first character must match as with `prefix_length: 1`) by
expanding each token with indexed terms within that distance.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 32
MAX_VARIANTS = 8
FUZZY_PREFIX_LENGTH = 1
HIGHLIGHT_OPEN = "\ue000"
HIGHLIGHT_CLOSE = "\ue001"


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())[:MAX_TOKENS]


def allowed_edits(token: str) -> int:
    if len(token) <= 2:
        return 0
    return 1 if len(token) <= 5 else 2


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def typo_variants(token: str, vocabulary: Sequence[str]) -> list[str]:
    edits = allowed_edits(token)
    if not edits or not vocabulary:
        return []
    prefix = token[:FUZZY_PREFIX_LENGTH]
    matches = process.extract(token, vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None)
    variants = [term for term, _distance, _index in matches if term != token and term.startswith(prefix)]
    return variants[:MAX_VARIANTS]


def match_expression(text: str, vocabulary: Sequence[str]) -> str | None:
    """OR of per-token groups; each group = exact (stemmed) | prefix | typo variants."""
    groups: list[str] = []
    for token in dict.fromkeys(tokenize(text)):
        alternatives = [_quoted(token), _quoted(token) + " *"]
        alternatives.extend(_quoted(v) for v in typo_variants(token, vocabulary))
        groups.append("(" + " OR ".join(alternatives) + ")")
    return " OR ".join(groups) if groups else None


def render_highlight(marked: str | None) -> str | None:
    """HTML-escape stored text, then turn the private-use markers into <mark> tags."""
    if not marked or HIGHLIGHT_OPEN not in marked:
        return None
    escaped = html.escape(marked, quote=True)
    return escaped.replace(HIGHLIGHT_OPEN, "<mark>").replace(HIGHLIGHT_CLOSE, "</mark>")
