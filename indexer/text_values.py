"""Turns the text found inside image files into clean, bounded Unicode.

Embedded metadata is written by decades of cameras and tools: IPTC in Latin-1 or UTF-8 with
or without the charset marker, EXIF "ASCII" that is really UTF-8 (Pillow decodes it as
Latin-1, giving `MÃ¼ller`), NUL padding, control characters, and values of any length. None
of that may fail a file or bloat the index, so every value passes through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_TEXT_CHARS = 4_000
"""Longer values are cut (with an ellipsis): a caption is not a document."""
MAX_TERM_CHARS = 200
MAX_TERMS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t]+")


def decode_text(data: bytes) -> str:
    """Bytes of unknown encoding: UTF-8 when valid, else Windows-1252, else Latin-1.

    A charset declaration (IPTC 1:90) is not trusted either way: tools write UTF-8 without it
    and Latin-1 with it, and valid UTF-8 is almost never accidental for non-ASCII text.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def repair_latin1(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as Latin-1 (`MÃ¼ller` -> `Müller`); other text is left alone."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def clean_text(value: object, limit: int = MAX_TEXT_CHARS) -> str | None:
    """A trimmed single value without control characters, at most `limit` characters; None when empty."""
    if isinstance(value, bytes):
        value = decode_text(value)
    if not isinstance(value, str):
        return None
    lines = (_SPACES.sub(" ", line).strip() for line in _CONTROL.sub(" ", value.replace("\r\n", "\n")).split("\n"))
    text = "\n".join(line for line in lines if line)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def clean_terms(values: Iterable[object]) -> list[str] | None:
    """Keywords: each cleaned to one line, duplicates dropped, at most `MAX_TERMS`; None when none remain."""
    terms: dict[str, None] = {}
    for value in values:
        term = clean_text(value, MAX_TERM_CHARS)
        if term:
            terms.setdefault(term.replace("\n", " "), None)
        if len(terms) >= MAX_TERMS:
            break
    return list(terms) or None
