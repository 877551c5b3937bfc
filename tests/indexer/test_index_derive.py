"""Content-derived facts: capture times from messy EXIF, renditions, reduced decodes, colours, encoder input."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image

from indexer.colors import ColourSummary, colour_summary
from indexer.derive import DeriveSpec, derive_facts, encoder_scale, orientation_of
from indexer.exif import read_exif
from indexer.renditions import display_image
from loupe_core.colour_space import pack_lab, srgb_to_lab
from loupe_core.images import decoding_errors, open_checked
from tests.indexer.photos import encode, photo


def jpeg_with_exif(original: object, offset: object = None) -> bytes:
    exif = Image.Exif()
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    ifd[ExifTags.Base.DateTimeOriginal] = original
    if offset is not None:
        ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    return encode(photo(), "JPEG", exif=exif)


def spec(tmp_path: Path, thumbnail_px: int = 50, preview_px: int = 100, encoder_px: int | None = 32) -> DeriveSpec:
    return DeriveSpec(10**8, tmp_path / "thumbs", tmp_path / "previews", thumbnail_px, preview_px, encoder_px)


def derive(data: bytes, derive_spec: DeriveSpec, sha: str = "f" * 64):  # type: ignore[no-untyped-def]
    timings: dict[str, float] = {}
    with decoding_errors():
        return derive_facts(open_checked(data, derive_spec.max_pixels), data, sha, derive_spec, timings)


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
    with Image.open(io.BytesIO(jpeg_with_exif(original, offset))) as image:
        assert read_exif(image).get("created_at") == expected


def test_no_exif_means_no_exif_fields() -> None:
    with Image.open(io.BytesIO(encode(photo(), "PNG"))) as image:
        assert read_exif(image) == {}


@pytest.mark.parametrize(("size", "expected"), [((3, 2), "landscape"), ((2, 3), "portrait"), ((5, 5), "square")])
def test_orientation(size: tuple[int, int], expected: str) -> None:
    assert orientation_of(*size) == expected


def test_renditions_keep_transparency_and_fit_their_sizes(tmp_path: Path) -> None:
    logo = photo((200, 100), mode="RGBA")
    logo.putalpha(Image.linear_gradient("L").resize(logo.size))

    facts, _ = derive(encode(logo, "PNG"), spec(tmp_path))

    with Image.open(tmp_path / "thumbs" / facts.thumbnail) as thumb:
        assert (thumb.format, thumb.mode, thumb.size) == ("WEBP", "RGBA", (50, 25))
    with Image.open(tmp_path / "previews" / facts.preview) as preview:
        assert (preview.format, preview.mode, preview.size) == ("WEBP", "RGBA", (100, 50))
    assert [p.name for p in (tmp_path / "thumbs").iterdir()] == ["f" * 64 + ".webp"]  # no temporary file left


def test_a_large_jpeg_is_measured_at_full_size_but_decoded_reduced(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8  # shown rotated a quarter turn

    facts, encoder_input = derive(encode(photo((2400, 1600)), "JPEG", exif=exif), spec(tmp_path, encoder_px=64))

    assert (facts.width, facts.height, facts.orientation) == (1600, 2400, "portrait")
    assert (facts.megapixels, facts.aspect_ratio) == (3.84, 0.6667)
    with Image.open(tmp_path / "previews" / facts.preview) as preview:
        assert preview.size == (67, 100)
    assert encoder_input is not None and encoder_input.size == (64, 95)  # scaled from the preview: it is large enough


def test_the_encoder_input_is_scaled_like_torchvision_and_never_enlarged() -> None:
    assert encoder_scale(photo((2000, 1000)), 224).size == (448, 224)
    assert encoder_scale(photo((48, 64)), 32).size == (32, 42)  # int(32 * 64 / 48) = 42, as `Resize(32)` computes
    assert encoder_scale(photo((30, 20)), 224).size == (30, 20)


def test_dominant_colours_are_the_real_colours_by_share_with_their_families() -> None:
    canvas = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # transparent pixels do not count
    canvas.paste((220, 30, 30, 255), (0, 0, 100, 60))
    canvas.paste((30, 90, 230, 255), (0, 60, 100, 90))
    canvas.paste((250, 250, 250, 255), (0, 90, 100, 92))  # 2 % of the opaque pixels: too little to list

    summary = colour_summary(canvas)

    assert summary == ColourSummary(
        colors=["#dc1e1e", "#1e5ae6"],
        families=["red", "blue"],
        lab=pack_lab(srgb_to_lab([[220, 30, 30], [30, 90, 230]])),
    )
    assert colour_summary(Image.new("RGBA", (10, 10))) == ColourSummary([], [], [])


def test_shades_closer_than_the_merge_distance_are_one_dominant_colour() -> None:
    canvas = Image.new("RGB", (100, 100), (40, 120, 60))
    canvas.paste((44, 124, 64), (0, 0, 50, 100))  # ΔE about 2: the same green

    assert len(colour_summary(canvas).colors) == 1


def test_sixteen_bit_greyscale_keeps_its_tones() -> None:
    """Pillow's own `convert("L")` clips 16-bit values above 255: this mid-grey would turn white."""
    mid_grey = Image.fromarray(np.full((8, 8), 32768, dtype=np.uint16))

    shown = display_image(mid_grey)

    assert shown.mode == "RGB"
    assert shown.getpixel((0, 0)) == (127, 127, 127)
