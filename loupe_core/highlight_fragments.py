"""Long highlighted values cut to a fragment around the first match, the same way on both backends.

Both backends mark whole values (titles, descriptions and tags are short); text read from an
image can be a whole poster, so for `FRAGMENTED_FIELDS` only a few words either side of the
first mark are kept. Working on the rendered HTML (escaped text plus `<mark>` tags) is safe to
split on whitespace: neither an entity nor a marked word contains a space.
"""

from __future__ import annotations

FRAGMENTED_FIELDS: dict[str, int] = {"ocr_text": 6}
"""Field -> words kept either side of the first marked word."""
ELLIPSIS = "…"


def fragment_around_mark(marked: str, context_words: int) -> str:
    """`context_words` words either side of the first `<mark>`, with an ellipsis where text was cut."""
    words = marked.split()
    first = next((i for i, word in enumerate(words) if "<mark>" in word), 0)
    start, end = max(0, first - context_words), min(len(words), first + context_words + 1)
    return " ".join([*([ELLIPSIS] if start > 0 else []), *words[start:end], *([ELLIPSIS] if end < len(words) else [])])


def fragmented(highlights: dict[str, list[str]]) -> dict[str, list[str]]:
    """The highlights with each fragmented field's values cut around their match."""
    return {
        field: [fragment_around_mark(v, FRAGMENTED_FIELDS[field]) for v in values]
        if field in FRAGMENTED_FIELDS
        else values
        for field, values in highlights.items()
    }
