"""Facts computed from an image's pixels: size, shape, perceptual hashes, colours, renditions, encoder input.

Everything here depends only on the file's content (and the rendition sizes), which is what
lets the pipeline reuse these fields unchanged when only a file's metadata was edited.

Nothing needs the full resolution once the width and height are read from the header, so a
JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) that still covers the preview and
the encoder input: a 12-megapixel photo then costs a quarter of its full decode.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, NamedTuple

import imagehash
from PIL import Image

from indexer.colors import colour_summary
from indexer.renditions import (
    PREVIEW_WEBP,
    THUMBNAIL_WEBP,
    display_image,
    rendition_name,
    scaled_renditions,
    write_webp,
)
from indexer.report import Reason
from indexer.text_in_image import OCR_MAX_SIDE, OcrSpec, read_text
from loupe_core.feature_files import FeatureFiles
from loupe_core.images import file_type_of, upright
from loupe_core.local_features import extract_local_features


@dataclass(frozen=True)
class DeriveSpec:
    """How to derive: the pixel limit, where renditions go and their sizes, the encoder's input size.

    `encoder_px` is None when no encoder input is wanted (no image model, or not loaded yet).
    """

    max_pixels: int
    thumbnails_dir: Path
    previews_dir: Path
    thumbnail_px: int
    preview_px: int
    encoder_px: int | None = None
    features_dir: Path | None = None
    """Where local features go (geometric duplicate check); None when that check is off."""
    ocr: OcrSpec | None = None
    """How to read text in images; None when that is off."""


@dataclass(frozen=True)
class ImageFacts:
    """The asset fields that follow from the file's content alone."""

    sha256: str
    bytes: int
    file_type: str
    width: int
    height: int
    orientation: str
    aspect_ratio: float
    megapixels: float
    facts_version: int
    phash: str
    dhash: str
    colors: list[str]
    color_families: list[str]
    color_lab: list[int]
    ocr_text: str
    thumbnail: str
    preview: str

    def as_fields(self) -> dict[str, Any]:
        return asdict(self)


CONTENT_FIELDS = frozenset(f.name for f in fields(ImageFacts))
FACTS_VERSION = 2
"""Raise it whenever derivation gains or changes a fact (2: CIELAB colours, colour families, text in
images), so a library indexed by an older Loupe is derived again instead of keeping stale facts."""
NO_FEATURES_NOTICE = (
    "indexed, but no local features found (flat or featureless image): only an exact or visual "
    "copy of it can be found as a duplicate"
)


@dataclass(frozen=True)
class EncoderInput:
    """RGB pixels already at the encoder's input scale, as raw bytes: cheap to send between processes."""

    size: tuple[int, int]
    data: bytes

    @classmethod
    def of(cls, image: Image.Image) -> EncoderInput:
        rgb = image.convert("RGB")
        return cls(rgb.size, rgb.tobytes())

    def image(self) -> Image.Image:
        return Image.frombytes("RGB", self.size, self.data)


def orientation_of(width: int, height: int) -> str:
    if width == height:
        return "square"
    return "landscape" if width > height else "portrait"


def encoder_scale(image: Image.Image, short_side: int) -> Image.Image:
    """The image with its short side at `short_side`, rounded exactly as torchvision's `Resize(int)` does.

    The encoder's own preprocessing then finds nothing left to resize, so the vector is the
    one it would compute from this image, at a fraction of the bytes. Never enlarges.
    """
    width, height = image.size
    short, long = min(width, height), max(width, height)
    if short <= short_side:
        return image
    new_long = int(short_side * long / short)
    size = (short_side, new_long) if width <= height else (new_long, short_side)
    return image.resize(size, Image.Resampling.BICUBIC)


def draft_for(image: Image.Image, spec: DeriveSpec) -> None:
    """Ask a JPEG for the smallest DCT-scaled decode that still covers the preview and the encoder input."""
    if image.format not in ("JPEG", "MPO"):
        return
    width, height = image.size
    scale = max(spec.preview_px / max(width, height), (spec.encoder_px or 0) / min(width, height))
    if spec.ocr is not None:  # text 20 px high in the original must not shrink to 5 px
        scale = max(scale, OCR_MAX_SIDE / max(width, height))
    if scale < 0.5:
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))


class Decoded(NamedTuple):
    """An image as derivation reads it: upright, in display colours, maybe reduced; and its true upright size."""

    shown: Image.Image
    width: int
    height: int


def decode(image: Image.Image, spec: DeriveSpec) -> Decoded:
    """Load an opened (not yet loaded) image at the draft scale `spec` allows; call inside `decoding_errors`."""
    header_size = image.size
    draft_for(image, spec)
    image.load()
    decoded_size = image.size
    turned = upright(image)
    # Orientations 5-8 swap the sides; the header holds the full-resolution size.
    swapped = turned.size != decoded_size
    width, height = header_size[::-1] if swapped else header_size
    return Decoded(display_image(turned), width, height)


def derive_facts(
    image: Image.Image,
    data: bytes,
    sha256: str,
    spec: DeriveSpec,
    timings: dict[str, float],
    notices: list[tuple[Reason, str]] | None = None,
) -> tuple[ImageFacts, EncoderInput | None]:
    """Measure, hash and render an opened (not yet loaded) image; call inside `decoding_errors`.

    `timings` receives seconds per stage (decode, renditions, ocr, analysis, encoder_input, features);
    `notices` what is worth telling about a file that is still indexed (no local features found, text in
    the image not read in time).
    """
    started = time.perf_counter()
    shown, width, height = decode(image, spec)
    loaded = time.perf_counter()
    preview, thumbnail = scaled_renditions(shown, spec.preview_px, spec.thumbnail_px)
    name = rendition_name(sha256)
    write_webp(preview, spec.previews_dir / name, PREVIEW_WEBP)
    write_webp(thumbnail, spec.thumbnails_dir / name, THUMBNAIL_WEBP)
    rendered = time.perf_counter()
    text = read_text(shown, spec.ocr) if spec.ocr is not None else None
    if text is not None and text.problem is not None and notices is not None:
        notices.append(text.problem)
    read = time.perf_counter()
    colours = colour_summary(thumbnail)
    facts = ImageFacts(
        sha256=sha256,
        bytes=len(data),
        file_type=file_type_of(image),
        width=width,
        height=height,
        orientation=orientation_of(width, height),
        aspect_ratio=round(width / height, 4),
        megapixels=round(width * height / 1_000_000, 2),
        facts_version=FACTS_VERSION,
        phash=str(imagehash.phash(thumbnail)),
        dhash=str(imagehash.dhash(thumbnail)),
        colors=colours.colors,
        color_families=colours.families,
        color_lab=colours.lab,
        ocr_text=text.text if text is not None else "",
        thumbnail=name,
        preview=name,
    )
    analysed = time.perf_counter()
    encoder_input = None
    if spec.encoder_px is not None:
        # The smallest picture that still covers the encoder's input: usually the thumbnail (320 px
        # covers CLIP's 224), for panoramas the preview or the decoded image.
        covering = [i for i in (thumbnail, preview) if min(i.size) >= spec.encoder_px]
        source = covering[0] if covering else shown
        encoder_input = EncoderInput.of(encoder_scale(source, spec.encoder_px))
    finished = time.perf_counter()
    if spec.features_dir is not None:
        # From the preview: bounded (preview_px) whatever the original's size, already upright.
        features = extract_local_features(preview)
        FeatureFiles(spec.features_dir).write(sha256, features)
        if not len(features.plain) and notices is not None:
            notices.append((Reason.no_local_features, NO_FEATURES_NOTICE))
        timings["features"] = timings.get("features", 0.0) + time.perf_counter() - finished
    for stage, seconds in (
        ("decode", loaded - started),
        ("renditions", rendered - loaded),
        ("ocr", read - rendered),
        ("analysis", analysed - read),
        ("encoder_input", finished - analysed),
    ):
        timings[stage] = timings.get(stage, 0.0) + seconds
    return facts, encoder_input
