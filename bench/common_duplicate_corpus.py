"""A duplicate-detection corpus from real photos: originals, edited copies of them, and distinct photos.

Sources are photographs shipped with scikit-image (`skimage.data`, always present: it is a
runtime dependency) and, when Debian's `opencv-doc` package is installed, the photos among
its examples. Only one picture per scene is taken (opencv ships stereo pairs, calibration
series and before/after shots of the same scene), so that two different sources are never
duplicates of each other: the ground truth would be wrong otherwise. Drawings, renders and
synthetic test patterns are left out too.

Some sources are "duplicated": the original plus one file per variant, each a copy a DAM
really receives (the same file twice, an export at another size, a recompressed web copy, a
crop, a brightness edit, a black-and-white version, a watermarked proof). The others appear
once, as negatives. Ground truth: two files are duplicates if and only if they come from
the same source photo.
"""

from __future__ import annotations

import itertools
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

OPENCV_EXAMPLES = Path("/usr/share/doc/opencv-doc/examples")
# One photo per scene, photographs only (no drawings, renders, charts or calibration targets).
OPENCV_PHOTOS = (
    "alphamat/input_images/plant.jpg",
    "data/aero1.jpg",
    "data/aloeL.jpg",
    "data/apple.jpg",
    "data/baboon.jpg",
    "data/basketball1.png",
    "data/board.jpg",
    "data/box_in_scene.png",
    "data/building.jpg",
    "data/butterfly.jpg",
    "data/chicky_512.png",
    "data/ela_original.jpg",
    "data/fruits.jpg",
    "data/graf1.png",
    "data/home.jpg",
    "data/left.jpg",
    "data/left01.jpg",
    "data/leuvenA.jpg",
    "data/licenseplate_motion.jpg",
    "data/messi5.jpg",
    "data/orange.jpg",
    "data/rubberwhale1.png",
    "data/smarties.png",
    "data/squirrel_cls.jpg",
    "data/starry_night.jpg",
    "data/stuff.jpg",
    "data/sudoku.png",
    "data/text_defocus.jpg",
    "dnn_superres/butterfly.png",
    "hfs/data/000.jpg",
    "hfs/data/001.jpg",
    "hfs/data/002.jpg",
    "reg/home.png",
    "text/scenetext01.jpg",
    "text/scenetext02.jpg",
    "text/scenetext03.jpg",
    "text/scenetext04.jpg",
    "text/scenetext05.jpg",
    "text/scenetext06.jpg",
    "text/scenetext_segmented_word01.jpg",
    "text/scenetext_segmented_word02.jpg",
    "text/scenetext_segmented_word03.jpg",
    "text/scenetext_segmented_word04.jpg",
    "text/scenetext_segmented_word05.jpg",
)
# `cat` is `chelsea` again; the pooch-downloaded samples are not available offline.
SKIMAGE_PHOTOS = (
    "astronaut",
    "brick",
    "camera",
    "cell",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "page",
    "retina",
    "rocket",
    "stereo_motorcycle",
    "text",
)
ORIGINAL = "original"
DISTINCT = "distinct"
SAVE_QUALITY = 92


def _resize(image: Image.Image) -> Image.Image:
    """An export at half the size, as a web or email copy is."""
    return image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.Resampling.LANCZOS)


def _crop(image: Image.Image) -> Image.Image:
    """10% off each dimension (5% off every edge): the trim a layout or a social card applies."""
    dx, dy = round(image.width * 0.05), round(image.height * 0.05)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _brighten(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(1.3)


def _grayscale(image: Image.Image) -> Image.Image:
    return image.convert("L")


def _watermark(image: Image.Image) -> Image.Image:
    """A semi-transparent banner with a credit line across the lower part, as agency proofs carry."""
    base = image.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    size = max(10, base.height // 16)
    top = base.height - 2 * size
    draw.rectangle((0, top, base.width, top + int(1.5 * size)), fill=(0, 0, 0, 90))
    font = ImageFont.load_default(size=size)
    draw.text((size // 2, top + size // 4), "© Loupe Photo Agency", font=font, fill=(255, 255, 255, 170))
    return Image.alpha_composite(base, overlay).convert(image.mode if image.mode in ("RGB", "L") else "RGB")


# Each variant: how the file is made from the original's pixels, and the JPEG quality it is saved at.
# `exact` is the original's bytes copied (no re-encoding), which is what the exact queue is for.
PIXEL_VARIANTS: dict[str, tuple[Callable[[Image.Image], Image.Image], int]] = {
    "resize": (_resize, 90),
    "jpeg_q30": (lambda image: image, 30),
    "crop_10": (_crop, 90),
    "brightness": (_brighten, 90),
    "grayscale": (_grayscale, 90),
    "watermark": (_watermark, 90),
}
VARIANTS = ("exact", *PIXEL_VARIANTS)


@dataclass(frozen=True)
class SourcePhoto:
    name: str
    origin: str
    load: Callable[[], Image.Image]


@dataclass(frozen=True)
class CorpusFile:
    name: str
    source: str
    variant: str


@dataclass(frozen=True)
class Corpus:
    folder: Path
    files: tuple[CorpusFile, ...]
    origins: dict[str, int]
    """Source photos used, per origin (`skimage.data`, `opencv-doc`)."""

    def duplicate_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair of files from the same source, as sorted name tuples."""
        by_source: dict[str, list[str]] = {}
        for file in self.files:
            by_source.setdefault(file.source, []).append(file.name)
        return {
            (a, b) if a < b else (b, a) for names in by_source.values() for a, b in itertools.combinations(names, 2)
        }

    def variant_pairs(self) -> dict[str, list[tuple[str, str]]]:
        """Per kind of copy, the (original, copy) pairs: what per-variant recall is measured on."""
        originals = {f.source: f.name for f in self.files if f.variant == ORIGINAL}
        pairs: dict[str, list[tuple[str, str]]] = {variant: [] for variant in VARIANTS}
        for file in self.files:
            if file.variant in pairs:
                a, b = originals[file.source], file.name
                pairs[file.variant].append((a, b) if a < b else (b, a))
        return pairs


def _skimage_loader(name: str) -> Callable[[], Image.Image]:
    def load() -> Image.Image:
        from skimage import data

        pixels = getattr(data, name)()
        if isinstance(pixels, tuple):  # stereo_motorcycle: (left, right, disparity); the left view
            pixels = pixels[0]
        return Image.fromarray(np.asarray(pixels))

    return load


def _file_loader(path: Path) -> Callable[[], Image.Image]:
    return lambda: Image.open(path)


def available_sources() -> list[SourcePhoto]:
    """skimage.data photos always; opencv-doc's when the package is installed."""
    sources = [SourcePhoto(f"skimage-{name}", "skimage.data", _skimage_loader(name)) for name in SKIMAGE_PHOTOS]
    for relative in OPENCV_PHOTOS:
        path = OPENCV_EXAMPLES / relative
        if path.is_file():
            stem = relative.replace("/", "-").rsplit(".", 1)[0]
            sources.append(SourcePhoto(f"opencv-{stem}", "opencv-doc", _file_loader(path)))
    return sources


def _normalised(image: Image.Image) -> Image.Image:
    """RGB or L, alpha dropped: what a photo export holds."""
    return image.convert("L") if image.mode in ("L", "LA", "I;16", "1") else image.convert("RGB")


def build_corpus(folder: Path, sources: int | None, duplicated_share: float, seed: int) -> Corpus:
    """Write the corpus into `folder` (JPEG files); `sources` caps how many source photos are used.

    Which sources get variants is drawn with `seed` from all available ones, so the duplicated
    and the distinct sets mix both origins.
    """
    rng = random.Random(seed)
    chosen = available_sources()
    rng.shuffle(chosen)
    chosen = chosen[:sources] if sources else chosen
    duplicated = round(len(chosen) * duplicated_share)
    files: list[CorpusFile] = []
    for index, source in enumerate(chosen):
        image = _normalised(source.load())
        original = folder / f"{source.name}__{ORIGINAL if index < duplicated else DISTINCT}.jpg"
        image.save(original, quality=SAVE_QUALITY)
        files.append(CorpusFile(original.name, source.name, ORIGINAL if index < duplicated else DISTINCT))
        if index >= duplicated:
            continue
        copy = folder / f"{source.name}__exact.jpg"
        shutil.copyfile(original, copy)
        files.append(CorpusFile(copy.name, source.name, "exact"))
        for variant, (transform, quality) in PIXEL_VARIANTS.items():
            path = folder / f"{source.name}__{variant}.jpg"
            transform(image).save(path, quality=quality)
            files.append(CorpusFile(path.name, source.name, variant))
    origins: dict[str, int] = {}
    for source in chosen:
        origins[source.origin] = origins.get(source.origin, 0) + 1
    return Corpus(folder, tuple(files), origins)
