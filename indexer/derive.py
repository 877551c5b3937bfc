"""Facts computed from an image's bytes: content hash, size, perceptual hashes, thumbnail, capture time.

Everything here depends only on the file's content (and the thumbnail size), which is what
lets the pipeline reuse these fields unchanged when only a file's metadata was edited.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import imagehash
from PIL import ExifTags, Image

from loupe_core.images import open_image

THUMBNAIL_FORMAT = "webp"
THUMBNAIL_QUALITY = 80
# Encoders resize to their own input size (224-336 px for CLIP); keeping the shorter side at
# 512 px is visually lossless for them and caps a batch of 16 large photos at a few MB.
ENCODING_SHORT_SIDE = 512
_EXIF_DATETIME = "%Y:%m:%d %H:%M:%S"


@dataclass(frozen=True)
class ImageFacts:
    """The asset fields that follow from the file's content alone."""

    sha256: str
    bytes: int
    file_type: str
    width: int
    height: int
    orientation: str
    phash: str
    dhash: str
    thumbnail: str

    def as_fields(self) -> dict[str, Any]:
        return asdict(self)


CONTENT_FIELDS = frozenset(f.name for f in fields(ImageFacts))


@dataclass(frozen=True)
class DerivedImage:
    facts: ImageFacts
    pixels: Image.Image
    """A reduced RGB copy for the image encoder; the full-size decode is released early."""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def orientation_of(width: int, height: int) -> str:
    if width == height:
        return "square"
    return "landscape" if width > height else "portrait"


def thumbnail_name(sha256: str) -> str:
    """Thumbnails are named by content, so identical files share one and a rename costs nothing."""
    return f"{sha256}.{THUMBNAIL_FORMAT}"


def write_thumbnail(image: Image.Image, destination: Path, longest_side: int) -> None:
    """A WebP no larger than `longest_side`, written via a temporary file so readers never see half of it."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    thumb = image.convert("RGBA" if has_alpha else "RGB")
    thumb.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            thumb.save(handle, format=THUMBNAIL_FORMAT, quality=THUMBNAIL_QUALITY)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def encoding_copy(image: Image.Image) -> Image.Image:
    rgb = image.convert("RGB")
    short = min(rgb.size)
    if short <= ENCODING_SHORT_SIDE:
        return rgb
    scale = ENCODING_SHORT_SIDE / short
    return rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.BICUBIC)


def derive_image(data: bytes, sha256: str, thumbnails_dir: Path, thumbnail_px: int, max_pixels: int) -> DerivedImage:
    """Decode (with limits), measure, hash and thumbnail one image; raises `InvalidImage`."""
    decoded = open_image(data, max_pixels)
    image = decoded.image
    name = thumbnail_name(sha256)
    write_thumbnail(image, thumbnails_dir / name, thumbnail_px)
    facts = ImageFacts(
        sha256=sha256,
        bytes=len(data),
        file_type=decoded.file_type,
        width=image.width,
        height=image.height,
        orientation=orientation_of(image.width, image.height),
        phash=str(imagehash.phash(image)),
        dhash=str(imagehash.dhash(image)),
        thumbnail=name,
    )
    return DerivedImage(facts=facts, pixels=encoding_copy(image))


def exif_taken_at(data: bytes) -> datetime | None:
    """EXIF DateTimeOriginal in UTC (using OffsetTimeOriginal when present, else read as UTC).

    Reads only the header. Any EXIF problem means "no capture time", never a failed file:
    cameras write malformed EXIF often enough, and the decode step judges the image itself.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                exif = image.getexif().get_ifd(ExifTags.IFD.Exif)
    except Exception:  # Pillow's EXIF parser raises a wide, undocumented range of types
        return None
    raw = exif.get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip("\x00 "), _EXIF_DATETIME)
    except ValueError:  # e.g. the "0000:00:00 00:00:00" some cameras write when unset
        return None
    return taken.replace(tzinfo=_exif_offset(exif.get(ExifTags.Base.OffsetTimeOriginal))).astimezone(UTC)


def _exif_offset(raw: object) -> timezone:
    """`"+02:00"` -> UTC+2; anything else (absent, malformed) -> UTC."""
    text = raw.strip("\x00 ") if isinstance(raw, str) else ""
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":" or not (text[1:3] + text[4:6]).isdigit():
        return UTC
    minutes = int(text[1:3]) * 60 + int(text[4:6])
    if minutes >= 24 * 60:
        return UTC
    return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))


def file_modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
