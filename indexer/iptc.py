"""IPTC IIM, the newsroom record inside JPEG and TIFF files: headline, caption, keywords, by-line, rights.

Pillow finds the records (`IptcImagePlugin.getiptcinfo`) but leaves them as raw bytes; the
charset is ours to decide (see `text_values.decode_text`). IIM has no "usage terms" dataset:
IPTC defines that field in XMP only (`xmpRights:UsageTerms`), so it comes from `xmp`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageFile, IptcImagePlugin

from indexer.text_values import clean_terms, clean_text, decode_text

OBJECT_NAME = (2, 5)
KEYWORDS = (2, 25)
DATE_CREATED = (2, 55)
TIME_CREATED = (2, 60)
BY_LINE = (2, 80)
HEADLINE = (2, 105)
CREDIT = (2, 110)
COPYRIGHT = (2, 116)
CAPTION = (2, 120)
_SINGLE = {"description": (CAPTION,), "credit": (CREDIT,), "copyright": (COPYRIGHT,), "title": (HEADLINE, OBJECT_NAME)}


def _records(image: Image.Image) -> dict[tuple[int, int], list[bytes]]:
    """Every dataset as a list of raw values (IIM repeats a dataset for each keyword or by-line)."""
    if image.format not in ("JPEG", "MPO", "TIFF") or not isinstance(image, ImageFile.ImageFile):
        return {}
    info = IptcImagePlugin.getiptcinfo(image)
    records: dict[tuple[int, int], list[bytes]] = {}
    for key, value in (info or {}).items():
        values = value if isinstance(value, list) else [value]
        records[key] = [v for v in values if isinstance(v, bytes)]
    return records


def read_iptc(image: Image.Image) -> dict[str, Any]:
    """Loupe fields from IPTC IIM; absent or unreadable values are simply left out."""
    records = _records(image)
    found: dict[str, Any] = {}
    for name, keys in _SINGLE.items():
        for key in keys:
            if (text := clean_text(b"\n".join(records.get(key, [])))) is not None:
                found[name] = text
                break
    if (tags := clean_terms(decode_text(v) for v in records.get(KEYWORDS, []))) is not None:
        found["tags"] = tags
    if (creators := clean_terms(decode_text(v) for v in records.get(BY_LINE, []))) is not None:
        found["creator"] = "; ".join(creators)
    if (created := _created_at(records)) is not None:
        found["created_at"] = created
    return found


def _created_at(records: dict[tuple[int, int], list[bytes]]) -> datetime | None:
    """Date Created (`CCYYMMDD`) plus Time Created (`HHMMSS±HHMM`) when present; UTC when no offset is given."""
    date_text = decode_text(records.get(DATE_CREATED, [b""])[0]).strip()
    time_text = decode_text(records.get(TIME_CREATED, [b""])[0]).strip()
    try:
        day = datetime.strptime(date_text, "%Y%m%d")
    except ValueError:
        return None
    for pattern in ("%H%M%S%z", "%H%M%S"):
        try:
            moment = datetime.strptime(time_text, pattern)
        except ValueError:
            continue
        combined = day.replace(hour=moment.hour, minute=moment.minute, second=moment.second, tzinfo=moment.tzinfo)
        return combined.replace(tzinfo=combined.tzinfo or UTC).astimezone(UTC)
    return day.replace(tzinfo=UTC)
