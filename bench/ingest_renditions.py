"""How good and how large ingest's renditions are, for `bench/ingest.py`, and what cheaper encodings would give.

Quality is SSIM (scikit-image, over the three channels) against a reference: the original decoded
at full resolution (no JPEG draft), turned upright and downscaled with Lanczos to the rendition's
own size, which is what a perfect rendition of that size would hold. Candidate encodings are
applied to the uncompressed preview and thumbnail Loupe's own chain produces (`derive.decode`,
`renditions.scaled_renditions`), so they differ from Loupe's files in the encoding alone; their
cost is the CPU of the encode.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

from indexer.derive import DeriveSpec, decode
from indexer.renditions import (
    PREVIEW_WEBP,
    THUMBNAIL_WEBP,
    WebpSettings,
    display_image,
    rendition_name,
    scaled_renditions,
)
from loupe_core.images import decoding_errors, open_checked, upright


@dataclass(frozen=True)
class Encoding:
    """One way to save a rendition: Pillow's format and its save options."""

    label: str
    format: str
    options: tuple[tuple[str, int], ...]

    @classmethod
    def webp(cls, settings: WebpSettings) -> Encoding:
        options = (("quality", settings.quality), ("method", settings.method))
        return cls(f"WebP q{settings.quality} m{settings.method}", "WEBP", options)

    @classmethod
    def jpeg(cls, quality: int) -> Encoding:
        return cls(f"JPEG q{quality}", "JPEG", (("quality", quality),))

    def saved(self, image: Image.Image) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=self.format, **dict(self.options))
        return buffer.getvalue()


CANDIDATES = {
    "preview": (
        Encoding.webp(WebpSettings(80, 0)),
        Encoding.webp(WebpSettings(80, 4)),
        Encoding.webp(WebpSettings(85, 0)),
        Encoding.jpeg(85),
        Encoding.jpeg(90),
    ),
    "thumbnail": (
        Encoding.webp(WebpSettings(80, 4)),
        Encoding.webp(WebpSettings(80, 2)),
        Encoding.webp(WebpSettings(80, 0)),
    ),
}
LOUPE = {"preview": Encoding.webp(PREVIEW_WEBP), "thumbnail": Encoding.webp(THUMBNAIL_WEBP)}


def full_resolution(original: bytes, max_pixels: int) -> Image.Image:
    """The original decoded at full resolution (no draft), upright, as RGB."""
    with decoding_errors():
        image = open_checked(original, max_pixels)
        image.load()
    return display_image(upright(image)).convert("RGB")


def reference(full: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """What a perfect rendition of `size` holds: the full-resolution image downscaled with Lanczos."""
    return np.asarray(full.resize(size, Image.Resampling.LANCZOS))


def ssim(expected: np.ndarray, image: Image.Image) -> float:
    return float(structural_similarity(expected, np.asarray(image.convert("RGB")), channel_axis=2))


@dataclass
class Tally:
    """Bytes and SSIM per file, and encode CPU seconds, for one kind of rendition saved one way."""

    sizes: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, size: int, score: float) -> None:
        self.sizes.append(size)
        self.scores.append(score)

    def figures(self) -> dict[str, float]:
        return {
            "mean_bytes": round(statistics.mean(self.sizes)),
            "mean_ssim": round(statistics.mean(self.scores), 4),
            "min_ssim": round(min(self.scores), 4),
            "encode_ms": round(1000 * self.seconds / len(self.sizes), 2),
        }


def written_quality(library: Path, spec: DeriveSpec) -> dict[str, float]:
    """Mean bytes and SSIM (and the worst SSIM) of the renditions an ingest run wrote where `spec` points."""
    tallies = {"preview": (spec.previews_dir, Tally()), "thumbnail": (spec.thumbnails_dir, Tally())}
    for path in sorted(library.iterdir()):
        original = path.read_bytes()
        full = full_resolution(original, spec.max_pixels)
        name = rendition_name(hashlib.sha256(original).hexdigest())
        for folder, tally in tallies.values():
            with Image.open(folder / name) as written:
                tally.add((folder / name).stat().st_size, ssim(reference(full, written.size), written))
    figures: dict[str, float] = {}
    for kind, (_, tally) in tallies.items():
        figures |= {f"{kind}_{key}": value for key, value in tally.figures().items() if key != "encode_ms"}
    return figures


def candidate_encodings(library: Path, spec: DeriveSpec, sample: int) -> list[dict[str, Any]]:
    """Bytes, SSIM and encode CPU ms of every candidate encoding, over the first `sample` files."""
    tallies = {(kind, e): Tally() for kind, encodings in CANDIDATES.items() for e in encodings}
    for path in sorted(library.iterdir())[:sample]:
        original = path.read_bytes()
        with decoding_errors():
            shown = decode(open_checked(original, spec.max_pixels), spec).shown
        preview, thumbnail = scaled_renditions(shown, spec.preview_px, spec.thumbnail_px)
        full = full_resolution(original, spec.max_pixels)
        for kind, picture in (("preview", preview), ("thumbnail", thumbnail)):
            expected = reference(full, picture.size)
            for encoding in CANDIDATES[kind]:
                started = time.process_time()
                data = encoding.saved(picture)
                tallies[kind, encoding].seconds += time.process_time() - started
                with Image.open(io.BytesIO(data)) as saved:
                    tallies[kind, encoding].add(len(data), ssim(expected, saved))
    return [
        {"rendition": kind, "encoding": e.label, "loupe": e == LOUPE[kind], **tally.figures()}
        for (kind, e), tally in tallies.items()
    ]
