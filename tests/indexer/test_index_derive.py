"""Content-derived facts: capture times from messy EXIF, thumbnails that keep transparency."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from indexer.derive import derive_image, encoding_copy, exif_taken_at, orientation_of
from tests.indexer.photos import encode, photo


def jpeg_with_exif(original: object, offset: object = None) -> bytes:
    exif = Image.Exif()
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    ifd[ExifTags.Base.DateTimeOriginal] = original
    if offset is not None:
        ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    return encode(photo(), "JPEG", exif=exif)


@pytest.mark.parametrize(
    ("original", "offset", "expected"),
    [
        ("2022:03:04 05:06:07", None, datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("2022:03:04 05:06:07", "-05:30", datetime(2022, 3, 4, 10, 36, 7, tzinfo=UTC)),
        ("2022:03:04 05:06:07", "99:99", datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("2022:03:04 05:06:07", "+99:00", datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("0000:00:00 00:00:00", None, None),
        ("yesterday", None, None),
    ],
)
def test_capture_time_from_exif(original: str, offset: str | None, expected: datetime | None) -> None:
    assert exif_taken_at(jpeg_with_exif(original, offset)) == expected


def test_no_or_unreadable_exif_means_no_capture_time() -> None:
    assert exif_taken_at(encode(photo(), "PNG")) is None
    assert exif_taken_at(b"not an image at all") is None


@pytest.mark.parametrize(("size", "expected"), [((3, 2), "landscape"), ((2, 3), "portrait"), ((5, 5), "square")])
def test_orientation(size: tuple[int, int], expected: str) -> None:
    assert orientation_of(*size) == expected


def test_thumbnail_keeps_transparency_and_fits_the_longest_side(tmp_path: Path) -> None:
    logo = photo((200, 100), mode="RGBA")
    logo.putalpha(Image.linear_gradient("L").resize(logo.size))
    data = encode(logo, "PNG")

    derived = derive_image(data, "f" * 64, tmp_path, thumbnail_px=50, max_pixels=10**6)

    with Image.open(tmp_path / derived.facts.thumbnail) as thumb:
        assert (thumb.format, thumb.mode, thumb.size) == ("WEBP", "RGBA", (50, 25))
    assert [p.name for p in tmp_path.iterdir()] == ["f" * 64 + ".webp"]  # no temporary file left behind


def test_the_encoder_copy_is_reduced_and_rgb() -> None:
    reduced = encoding_copy(photo((2000, 1000), mode="L"))

    assert (reduced.mode, reduced.size) == ("RGB", (1024, 512))
    assert encoding_copy(photo((300, 200))).size == (300, 200)
