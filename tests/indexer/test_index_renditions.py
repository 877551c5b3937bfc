"""The rendition chain: one decode, the preview from it, the thumbnail and encoder input from the preview.

Cheaper resizing and encoding must not cost what a librarian sees: the quality floor is SSIM against
the original downscaled with Lanczos to the same size, on real photographs from scikit-image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import ExifTags, Image
from skimage.metrics import structural_similarity

from indexer.derive import DeriveSpec, EncoderInput, ImageFacts, derive_facts
from indexer.renditions import scaled_renditions
from indexer.report import Reason
from indexer.worker import FileFailure, FileTask, process_file
from loupe_core.images import decoding_errors, open_checked
from tests.indexer.photos import encode, photo, write_png_bomb, write_truncated_jpeg

SHA = "c" * 64


def spec(tmp_path: Path, thumbnail_px: int = 96, preview_px: int = 256, encoder_px: int | None = 64) -> DeriveSpec:
    return DeriveSpec(10**8, tmp_path / "thumbs", tmp_path / "previews", thumbnail_px, preview_px, encoder_px)


def derive(data: bytes, derive_spec: DeriveSpec) -> tuple[ImageFacts, EncoderInput | None]:
    with decoding_errors():
        return derive_facts(open_checked(data, derive_spec.max_pixels), data, SHA, derive_spec, {})


def ssim_to_original(original: Image.Image, rendition: Path) -> float:
    with Image.open(rendition) as written:
        shown = np.asarray(written.convert("RGB"))
        expected = np.asarray(original.convert("RGB").resize(written.size, Image.Resampling.LANCZOS))
    return float(structural_similarity(expected, shown, channel_axis=2))


@pytest.mark.parametrize(("name", "floor"), [("coffee", 0.9), ("astronaut", 0.94), ("chelsea", 0.935)])
@pytest.mark.parametrize("file_format", ["JPEG", "PNG"])
def test_renditions_of_real_photos_stay_close_to_the_original(
    tmp_path: Path, name: str, floor: float, file_format: str
) -> None:
    """Each floor lies between what the chain measured (coffee 0.92, astronaut 0.955, chelsea 0.95) and what
    the same preview saved at quality 50 or resized nearest-neighbour gives (0.88 / 0.93 / 0.91 at best)."""
    original = Image.fromarray(getattr(skimage.data, name)())
    derive_spec = spec(tmp_path)  # a 600 px JPEG is decoded at 1/2 scale for a 256 px preview

    facts, _ = derive(encode(original, file_format, quality=95), derive_spec)

    preview = derive_spec.previews_dir / facts.preview
    thumbnail = derive_spec.thumbnails_dir / facts.thumbnail
    assert ssim_to_original(original, preview) >= floor
    assert ssim_to_original(original, thumbnail) >= floor
    for path, longest in ((preview, 256), (thumbnail, 96)):
        with Image.open(path) as written:
            assert (written.format, written.mode, max(written.size)) == ("WEBP", "RGB", longest)
            assert written.width / written.height == pytest.approx(original.width / original.height, rel=0.02)


def test_each_rendition_is_scaled_from_the_one_before_and_never_enlarged() -> None:
    preview, thumbnail = scaled_renditions(photo((1000, 250)), 400, 100)
    assert (preview.size, thumbnail.size) == ((400, 100), (100, 25))

    small = photo((60, 40))
    preview, thumbnail = scaled_renditions(small, 400, 100)
    assert preview is small and thumbnail is small


def test_exif_orientation_turns_every_rendition_and_the_encoder_input(tmp_path: Path) -> None:
    """Red left half, blue right half, stored sideways: orientation 6 shows it turned a quarter clockwise,
    red on top. The 2400 px JPEG is decoded at a reduced scale, so this is the draft path too."""
    sideways = Image.new("RGB", (2400, 1200), (220, 20, 20))
    sideways.paste((20, 20, 220), (1200, 0, 2400, 1200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    derive_spec = spec(tmp_path, thumbnail_px=50, preview_px=200, encoder_px=32)

    facts, encoder_input = derive(encode(sideways, "JPEG", exif=exif, quality=95), derive_spec)

    assert (facts.width, facts.height) == (1200, 2400)
    assert encoder_input is not None
    pictures = [encoder_input.image()]
    for path in (derive_spec.previews_dir / facts.preview, derive_spec.thumbnails_dir / facts.thumbnail):
        with Image.open(path) as written:
            pictures.append(written.convert("RGB"))
    for picture in pictures:
        width, height = picture.size
        assert height == 2 * width
        top, bottom = picture.getpixel((width // 2, height // 4)), picture.getpixel((width // 2, 3 * height // 4))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (picture.size, top, bottom)


def test_huge_and_broken_files_are_refused_with_their_reason_and_leave_no_rendition(tmp_path: Path) -> None:
    bomb = write_png_bomb(tmp_path / "bomb.png")
    truncated = write_truncated_jpeg(tmp_path / "truncated.jpg")
    derive_spec = spec(tmp_path)

    refused = {path.name: process_file(FileTask(path, derive_spec)) for path in (bomb, truncated)}

    assert {name: type(result) for name, result in refused.items()} == dict.fromkeys(refused, FileFailure)
    reasons = {name: result.reason for name, result in refused.items() if isinstance(result, FileFailure)}
    assert reasons == {"bomb.png": Reason.too_large, "truncated.jpg": Reason.corrupt}
    assert not derive_spec.previews_dir.exists() and not derive_spec.thumbnails_dir.exists()


@pytest.mark.parametrize(("resample", "quality"), [(Image.Resampling.NEAREST, 80), (Image.Resampling.BICUBIC, 50)])
def test_a_poorer_rendition_falls_below_the_floor(tmp_path: Path, resample: Image.Resampling, quality: int) -> None:
    """The floor means something: a nearest-neighbour resize, or WebP at quality 50, is below it."""
    original = Image.fromarray(skimage.data.coffee())
    poorer = tmp_path / "poorer.webp"
    original.resize((256, 171), resample).save(poorer, quality=quality, method=0)

    assert ssim_to_original(original, poorer) < 0.9
