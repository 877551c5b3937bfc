"""A duplicate-detection corpus from real photos: originals, edited copies of them, and distinct photos.

Sources are photographs shipped with scikit-image (`skimage.data`, always present: it is a
runtime dependency) and, when Debian's `opencv-doc` package is installed, the photos among
its examples. Only one picture per scene is taken (opencv ships stereo pairs, calibration
series and before/after shots of the same scene), so that two different sources are never
duplicates of each other: the ground truth would be wrong otherwise. Drawings, renders and
synthetic test patterns are left out too.

Some sources are "duplicated": the original plus one file per variant, each a copy a DAM
really receives (the same file twice, an export at another size, a recompressed web copy,
crops of 5, 15 and 30 % per edge, a brightness edit, a black-and-white version, a watermarked
proof, a captioned copy, a 90° turn, a small straightening rotation, a perspective correction,
a mirrored copy). The others appear once, as negatives ("singletons").

Second takes are real pairs of one scene shot twice (another viewpoint, a moment later, an
edited version), from opencv-doc and skimage: both halves are always in the corpus as their
own group, and neither half is ever drawn as a source of its own, so no singleton is the other
half of a pair. Ground truth: two files are duplicates if and only if they come from the same
source photo (for second takes: the same pair).
"""

from __future__ import annotations

import itertools
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

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
# Real second takes: (group name, first file, second file), relative to OPENCV_EXAMPLES/data.
OPENCV_SECOND_TAKES = (
    ("aero", "aero1.jpg", "aero3.jpg"),
    ("aloe", "aloeL.jpg", "aloeR.jpg"),
    ("basketball", "basketball1.png", "basketball2.png"),
    ("graf", "graf1.png", "graf3.png"),
    ("leuven", "leuvenA.jpg", "leuvenB.jpg"),
    ("ela", "ela_original.jpg", "ela_modified.jpg"),
    ("left-right", "left.jpg", "right.jpg"),
    ("rubberwhale", "rubberwhale1.png", "rubberwhale2.png"),
)
SECOND_TAKE_SOURCES = frozenset(f"data/{first}" for _, first, _ in OPENCV_SECOND_TAKES) | {"stereo_motorcycle"}
"""Left out of the single-source draw: they appear as second-take pairs instead."""
ORIGINAL = "original"
DISTINCT = "distinct"
SECOND_TAKE = "second_take"
SAVE_QUALITY = 92


def _resize(image: Image.Image) -> Image.Image:
    """An export at half the size, as a web or email copy is."""
    return image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.Resampling.LANCZOS)


def _cropper(share: float) -> Callable[[Image.Image], Image.Image]:
    """`share` off every edge: 5 % is the trim a layout applies, 30 % keeps a detail (16 % of the picture)."""

    def crop(image: Image.Image) -> Image.Image:
        dx, dy = round(image.width * share), round(image.height * share)
        return image.crop((dx, dy, image.width - dx, image.height - dy))

    return crop


def _rotate_small(image: Image.Image) -> Image.Image:
    """A straightened horizon: 3-10°, the angle drawn from the image size (fixed per photo), corners cropped."""
    angle = 3 + (image.width * 7 + image.height * 3) % 8
    return image.rotate(angle if image.width % 2 else -angle, resample=Image.Resampling.BICUBIC)


def _perspective(image: Image.Image) -> Image.Image:
    """A keystone correction, as a scan or a photo of a print gets: corners moved by 3-8 %."""
    pixels = np.asarray(image)
    h, w = pixels.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = np.float32([[0.08 * w, 0.05 * h], [0.95 * w, 0.0], [w, h], [0.03 * w, 0.94 * h]])
    warped = cv2.warpPerspective(pixels, cv2.getPerspectiveTransform(corners, moved), (w, h))
    return Image.fromarray(warped)


def _caption(image: Image.Image) -> Image.Image:
    """An opaque caption box in the top-left corner, as a social post or a slide adds."""
    captioned = image.convert("RGB")
    draw = ImageDraw.Draw(captioned)
    size = max(10, captioned.height // 14)
    font = ImageFont.load_default(size=size)
    draw.rectangle((0, 0, int(captioned.width * 0.7), int(size * 1.8)), fill=(250, 250, 245))
    draw.text((size // 2, size // 3), "Summer campaign 2024", font=font, fill=(20, 20, 20))
    return captioned


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
    "crop_5": (_cropper(0.05), 90),
    "crop_15": (_cropper(0.15), 90),
    "crop_30": (_cropper(0.30), 90),
    "brightness": (_brighten, 90),
    "grayscale": (_grayscale, 90),
    "watermark": (_watermark, 90),
    "caption": (_caption, 90),
    "rotate_90": (lambda image: image.rotate(90, expand=True), 90),
    "rotate_small": (_rotate_small, 90),
    "perspective": (_perspective, 90),
    "mirror": (ImageOps.mirror, 90),
}
VARIANTS = ("exact", *PIXEL_VARIANTS, SECOND_TAKE)


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
    """Source photos drawn, per origin (`skimage.data`, `opencv-doc`); second takes are counted apart."""

    def duplicate_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair of files from the same source, as sorted name tuples."""
        by_source: dict[str, list[str]] = {}
        for file in self.files:
            by_source.setdefault(file.source, []).append(file.name)
        return {
            (a, b) if a < b else (b, a) for names in by_source.values() for a, b in itertools.combinations(names, 2)
        }

    def variant_pairs(self) -> dict[str, list[tuple[str, str]]]:
        """Per kind of copy, the (original, copy) pairs: what per-variant recall is measured on;
        for second takes, the (first take, second take) pairs."""
        originals = {f.source: f.name for f in self.files if f.variant in (ORIGINAL, f"{SECOND_TAKE}_1")}
        pairs: dict[str, list[tuple[str, str]]] = {variant: [] for variant in VARIANTS}
        for file in self.files:
            kind = SECOND_TAKE if file.variant == f"{SECOND_TAKE}_2" else file.variant
            if kind in pairs:
                a, b = originals[file.source], file.name
                pairs[kind].append((a, b) if a < b else (b, a))
        return pairs

    def singletons(self) -> set[str]:
        """Files with no duplicate at all: any pair that includes one is a false pair."""
        return {f.name for f in self.files if f.variant == DISTINCT}


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
    """skimage.data photos always; opencv-doc's when the package is installed; second-take halves never."""
    sources = [
        SourcePhoto(f"skimage-{name}", "skimage.data", _skimage_loader(name))
        for name in SKIMAGE_PHOTOS
        if name not in SECOND_TAKE_SOURCES
    ]
    for relative in OPENCV_PHOTOS:
        path = OPENCV_EXAMPLES / relative
        if relative in SECOND_TAKE_SOURCES:
            continue
        if path.is_file():
            stem = relative.replace("/", "-").rsplit(".", 1)[0]
            sources.append(SourcePhoto(f"opencv-{stem}", "opencv-doc", _file_loader(path)))
    return sources


def second_takes() -> list[tuple[str, str, Callable[[], Image.Image], Callable[[], Image.Image]]]:
    """(name, origin, first, second) for every real pair available: skimage's stereo motorcycle always."""

    def motorcycle(view: int) -> Callable[[], Image.Image]:
        def load() -> Image.Image:
            from skimage import data

            return Image.fromarray(np.asarray(data.stereo_motorcycle()[view]))

        return load

    pairs = [("skimage-motorcycle", "skimage.data", motorcycle(0), motorcycle(1))]
    for name, first, second in OPENCV_SECOND_TAKES:
        a, b = OPENCV_EXAMPLES / "data" / first, OPENCV_EXAMPLES / "data" / second
        if a.is_file() and b.is_file():
            pairs.append((f"opencv-{name}", "opencv-doc", _file_loader(a), _file_loader(b)))
    return pairs


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
    for name, _, *takes in second_takes():
        for number, load in enumerate(takes, start=1):
            path = folder / f"{name}__take{number}.jpg"
            _normalised(load()).save(path, quality=SAVE_QUALITY)
            files.append(CorpusFile(path.name, name, f"{SECOND_TAKE}_{number}"))
    origins: dict[str, int] = {}
    for source in chosen:
        origins[source.origin] = origins.get(source.origin, 0) + 1
    return Corpus(folder, tuple(files), origins)
