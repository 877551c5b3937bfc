"""Turns user text into a safe FTS5 MATCH expression with prefix and typo tolerance.

User text is never passed to FTS5 syntax: it is split into word tokens, each quoted. Typo
tolerance mirrors OpenSearch's `fuzziness: AUTO` (0 edits up to 2 chars, 1 up to 5, else 2,
transpositions count once, the first character must match as with `prefix_length: 1`) by
expanding each token with indexed terms within that distance.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable

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


class TypoVocabulary:
    """The indexed terms, grouped by first characters and length: the only terms a typo can reach.

    A variant must share the first `FUZZY_PREFIX_LENGTH` characters, and an edit distance of d
    changes the length by at most d, so each token is compared with a few hundred terms instead
    of the whole vocabulary (100k+ terms once file names add their unique numbers: ~8 ms a token).
    """

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._groups: dict[tuple[str, int], list[str]] = defaultdict(list)
        for term in terms:
            self._groups[(term[:FUZZY_PREFIX_LENGTH], len(term))].append(term)

    def candidates(self, token: str, edits: int) -> list[str]:
        """Sorted like the full vocabulary, so ties between variants break the same way."""
        prefix = token[:FUZZY_PREFIX_LENGTH]
        lengths = range(max(1, len(token) - edits), len(token) + edits + 1)
        return sorted(term for n in lengths for term in self._groups.get((prefix, n), ()))


def typo_variants(token: str, vocabulary: TypoVocabulary) -> list[str]:
    edits = allowed_edits(token)
    if not edits:
        return []
    candidates = vocabulary.candidates(token, edits)
    matches = process.extract(token, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
    variants = [term for term, _distance, _index in matches if term != token]
    return variants[:MAX_VARIANTS]


def match_phrases(text: str, vocabulary: TypoVocabulary) -> list[str]:
    """The FTS5 phrases a text matches with, in order: per token exact (stemmed), prefix, typo variants.

    The MATCH expression is their plain OR (`match_expression`): FTS5's bm25 of an OR of
    phrases is the sum of each phrase's own bm25, which is what lets keyword.py rank per phrase.
    """
    phrases: list[str] = []
    for token in dict.fromkeys(tokenize(text)):
        phrases.extend([_quoted(token), _quoted(token) + " *"])
        phrases.extend(_quoted(v) for v in typo_variants(token, vocabulary))
    return phrases


def match_expression(phrases: list[str]) -> str | None:
    return " OR ".join(phrases) if phrases else None


def render_highlight(marked: str | None) -> str | None:
    """HTML-escape stored text, then turn the private-use markers into <mark> tags."""
    if not marked or HIGHLIGHT_OPEN not in marked:
        return None
    escaped = html.escape(marked, quote=True)
    return escaped.replace(HIGHLIGHT_OPEN, "<mark>").replace(HIGHLIGHT_CLOSE, "</mark>")
