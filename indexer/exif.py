"""EXIF, the camera's own record: make, model, lens, capture time, GPS position, and two rights fields.

Read with Pillow from the header, before any pixel is decoded. Any EXIF problem means "no
value", never a failed file: cameras write malformed EXIF often enough, and the decode step
judges the image itself. Pillow decodes EXIF strings as Latin-1; they are often UTF-8.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import ExifTags, Image

from indexer.text_values import clean_text, repair_latin1

_EXIF_DATETIME = "%Y:%m:%d %H:%M:%S"
_NAMES = {
    "camera_make": (ExifTags.Base.Make, None),
    "camera_model": (ExifTags.Base.Model, None),
    "lens": (ExifTags.Base.LensModel, ExifTags.IFD.Exif),
    "creator": (ExifTags.Base.Artist, None),
    "copyright": (ExifTags.Base.Copyright, None),
    "description": (ExifTags.Base.ImageDescription, None),
}
CAMERA_PLACEHOLDERS = frozenset({"OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "DCIM", "EXIF_JPEG"})
"""Descriptions cameras write on their own; they describe nothing and would pollute search."""


def exif_of(image: Image.Image) -> Image.Exif | None:
    """The EXIF block if the header has one, without decoding pixels (Pillow's PNG `getexif` would)."""
    if "exif" not in image.info and image.format != "TIFF":
        return None
    return image.getexif()


def read_exif(image: Image.Image) -> dict[str, Any]:
    """Loupe fields from EXIF; absent or unreadable values are simply left out."""
    exif = exif_of(image)
    if exif is None:
        return {}
    found: dict[str, Any] = {}
    for name, (tag, ifd) in _NAMES.items():
        raw = (exif.get_ifd(ifd) if ifd is not None else exif).get(tag)
        if isinstance(raw, str):
            text = clean_text(repair_latin1(raw.replace("\x00", "; ").strip("; ")))
            if text and not (name == "description" and text.upper() in CAMERA_PLACEHOLDERS):
                found[name] = text
    if (taken := taken_at(exif)) is not None:
        found["created_at"] = taken
    if (location := gps_location(exif.get_ifd(ExifTags.IFD.GPSInfo))) is not None:
        found["location"] = location
    return found


def taken_at(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal in UTC (using OffsetTimeOriginal when present, else read as UTC)."""
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    raw = ifd.get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip("\x00 "), _EXIF_DATETIME)
    except ValueError:  # e.g. the "0000:00:00 00:00:00" some cameras write when unset
        return None
    return taken.replace(tzinfo=_offset(ifd.get(ExifTags.Base.OffsetTimeOriginal))).astimezone(UTC)


def _offset(raw: object) -> timezone:
    """`"+02:00"` -> UTC+2; anything else (absent, malformed) -> UTC."""
    text = raw.strip("\x00 ") if isinstance(raw, str) else ""
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":" or not (text[1:3] + text[4:6]).isdigit():
        return UTC
    minutes = int(text[1:3]) * 60 + int(text[4:6])
    if minutes >= 24 * 60:
        return UTC
    return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))


def _degrees(value: object, reference: object, negative: str) -> float | None:
    """(degrees, minutes, seconds) rationals -> signed decimal degrees; None for anything malformed."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(total):
        return None
    ref = reference.strip("\x00 ").upper() if isinstance(reference, str) else ""
    return -total if ref == negative else total


def gps_location(gps: dict[int, Any]) -> dict[str, float] | None:
    """`{"lat": .., "lon": ..}` from the GPS IFD, or None when missing, malformed or out of range.

    (0, 0) is treated as missing: it is what devices without a fix write, not a photo at sea.
    """
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat == lon == 0:
        return None
    return {"lat": round(lat, 7), "lon": round(lon, 7)}
