"""An image's colours, twice: exact dominant colours to match by ΔE, and colour families to facet on.

Exact values (`#3a5f8c`) are what "find this brand blue" matches against, by perceptual
distance (`loupe_core.colour_space`); but as facet values they would be unique per image.
So each pixel is also named by hue, saturation and brightness (a dozen families: blue,
brown, ...) and the families covering enough of the picture become the facet. Transparent
pixels count for neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from loupe_core.colour_space import pack_lab, rgb_to_hex, srgb_to_lab

SAMPLE_PX = 64
CLUSTERS = 8
MERGE_DELTA_E = 12.0
MIN_SHARE = 0.05
MAX_COLORS = 5
_HUES = (  # upper hue bound (0-255 scale, Pillow's HSV) -> name
    (10, "red"),
    (28, "orange"),
    (46, "yellow"),
    (105, "green"),
    (135, "teal"),
    (185, "blue"),
    (210, "purple"),
    (240, "pink"),
    (256, "red"),
)


def _names(hsv: npt.NDArray[np.uint8]) -> npt.NDArray[np.str_]:
    """One palette name per HSV pixel (rows of three values)."""
    hue, saturation, value = (hsv[:, i].astype(np.int32) for i in range(3))
    names = np.empty(len(hsv), dtype="<U6")
    bounds = np.array([bound for bound, _ in _HUES])
    names[:] = np.array([name for _, name in _HUES])[np.searchsorted(bounds, hue, side="right")]
    names[(names == "orange") & (value < 150)] = "brown"
    names[(names == "red") & (value < 110) & (saturation < 170)] = "brown"
    grey = saturation < 40
    names[grey] = "gray"
    names[grey & (value > 215)] = "white"
    names[value < 45] = "black"
    return names


def _opaque_pixels(image: Image.Image) -> npt.NDArray[np.uint8]:
    """The sample's RGB pixels as rows, transparent ones dropped."""
    sample = image.copy()
    sample.thumbnail((SAMPLE_PX, SAMPLE_PX), Image.Resampling.BILINEAR)
    rgb = np.asarray(sample.convert("RGB"), dtype=np.uint8).reshape(-1, 3)
    if sample.mode == "RGBA":
        rgb = rgb[np.asarray(sample.getchannel("A")).reshape(-1) >= 128]
    return rgb


def _families(rgb: npt.NDArray[np.uint8]) -> list[str]:
    hsv = np.asarray(Image.fromarray(rgb.reshape(1, -1, 3), "RGB").convert("HSV"), dtype=np.uint8).reshape(-1, 3)
    names, counts = np.unique(_names(hsv), return_counts=True)
    ranked = sorted(zip(counts.tolist(), names.tolist(), strict=True), key=lambda item: (-item[0], item[1]))
    return [name for count, name in ranked[:MAX_COLORS] if count >= MIN_SHARE * len(hsv)]


def _dominant(rgb: npt.NDArray[np.uint8]) -> list[tuple[int, int, int]]:
    """Median-cut clusters (deterministic, unlike k-means) merged when closer than `MERGE_DELTA_E`."""
    quantized = Image.fromarray(rgb.reshape(1, -1, 3), "RGB").quantize(CLUSTERS, method=Image.Quantize.MEDIANCUT)
    counts = np.bincount(np.asarray(quantized).reshape(-1), minlength=CLUSTERS)
    palette = np.asarray(quantized.getpalette()[: 3 * CLUSTERS], dtype=np.int64).reshape(-1, 3)
    kept: list[tuple[int, npt.NDArray[np.float64], npt.NDArray[np.int64]]] = []  # share, Lab, RGB
    for index in np.argsort(-counts, kind="stable"):
        if not counts[index]:
            break
        lab = srgb_to_lab(palette[index])[0]
        near = next((i for i, (_, other, _) in enumerate(kept) if np.linalg.norm(other - lab) < MERGE_DELTA_E), None)
        if near is None:
            kept.append((int(counts[index]), lab, palette[index]))
        else:
            share, other, colour = kept[near]
            kept[near] = (share + int(counts[index]), other, colour)
    kept.sort(key=lambda item: -item[0])
    return [tuple(int(c) for c in colour) for share, _, colour in kept[:MAX_COLORS] if share >= MIN_SHARE * len(rgb)]


@dataclass(frozen=True)
class ColourSummary:
    """What colour search needs of one image: hex values to show, families to facet, CIELAB to match."""

    colors: list[str]
    families: list[str]
    lab: list[int]


def colour_summary(image: Image.Image) -> ColourSummary:
    """Dominant colours (each covering at least `MIN_SHARE` of the opaque pixels) and colour families."""
    rgb = _opaque_pixels(image)
    if not len(rgb):
        return ColourSummary([], [], [])
    dominant = _dominant(rgb)
    return ColourSummary(
        colors=[rgb_to_hex(c) for c in dominant],
        families=_families(rgb),
        lab=pack_lab(srgb_to_lab(dominant)) if dominant else [],
    )
