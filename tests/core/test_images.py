"""Untrusted image bytes: good files decode upright, every bad class gets one clear reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from loupe_core.errors import InvalidImage
from loupe_core.images import open_image

LIMIT = 10_000_000


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("mode", "fmt", "file_type"),
    [
        ("RGB", "JPEG", "jpeg"),
        ("RGBA", "PNG", "png"),
        ("P", "GIF", "gif"),
        ("CMYK", "TIFF", "tiff"),
        ("RGB", "WEBP", "webp"),
        ("I;16", "PNG", "png"),
    ],
)
def test_supported_modes_decode(mode: str, fmt: str, file_type: str) -> None:
    decoded = open_image(encoded(Image.new(mode, (40, 30)), fmt), LIMIT)
    assert (decoded.width, decoded.height, decoded.file_type) == (40, 30, file_type)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    decoded = open_image(encoded(Image.new("RGB", (40, 30)), "JPEG", exif=exif.tobytes()), LIMIT)
    assert (decoded.width, decoded.height) == (30, 40)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a recognised image"),
        (b"hello, I am text pretending to be a JPEG", "not a recognised image"),
        (encoded(Image.new("RGB", (200, 200), "red"), "JPEG")[:300], "corrupt or truncated"),
        (encoded(Image.new("L", (20_000, 20_000)), "PNG", optimize=True), "decompression bomb"),
        (encoded(Image.new("L", (4000, 3000)), "PNG", optimize=True), "12000000 pixels, over the limit"),
        (encoded(Image.new("RGB", (10, 10)), "BMP"), "unsupported image format BMP"),
    ],
    ids=["empty", "text", "truncated", "bomb", "over-limit", "bmp"],
)
def test_bad_images_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidImage, match=reason):
        open_image(data, LIMIT)
