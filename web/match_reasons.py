"""A short "why this matched" line for a result card, read from the hit's per-list evidence.

Matched words come from the highlights (the words the backend marked), fields from where they
were marked; a vector list adds "similar in meaning" (metadata embedding) or "similar image"
(CLIP) only when its cosine cleared the floor, with the cosine itself, so the card says what
the score used to hide.
"""

from __future__ import annotations

import html
import re

from loupe_core.query import KEYWORD_LIST, VectorField
from search_api.schemas import Hit

MARKED = re.compile(r"<mark>(.*?)</mark>", re.IGNORECASE | re.DOTALL)
FIELDS = {"title": "title", "tags": "tags", "description": "description", "ocr_text": "text in image"}
"""Highlighted field -> how the reason names it."""
MAX_WORDS = 3
PINNED = "Pinned by the librarians for this search"
VECTOR_REASONS = {VectorField.text.value: "similar in meaning", VectorField.image.value: "similar image"}


def marked_words(hit: Hit) -> list[str]:
    words: dict[str, None] = {}
    for field in FIELDS:
        for fragment in hit.highlights.get(field, []):
            for word in MARKED.findall(fragment):
                words.setdefault(html.unescape(word).casefold(), None)
    return list(words)[:MAX_WORDS]


def match_reason(hit: Hit) -> str | None:
    """E.g. `Matched “cat” in title, tags · similar in meaning (0.48)`; None without evidence."""
    if hit.pinned_by:
        return PINNED
    evidence = hit.evidence or {}
    parts: list[str] = []
    if KEYWORD_LIST in evidence:
        words = marked_words(hit)
        fields = [label for field, label in FIELDS.items() if hit.highlights.get(field)]
        if words:
            parts.append(f"matched {', '.join(f'“{w}”' for w in words)} in {', '.join(fields)}")
        else:
            parts.append("matched your words")
    for name, reason in VECTOR_REASONS.items():
        found = evidence.get(name)
        if found is not None and found.cleared_floor:
            parts.append(f"{reason} ({found.score:.2f})")
    if not parts:
        return None
    sentence = " · ".join(parts)
    return sentence[0].upper() + sentence[1:]
