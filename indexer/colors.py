"""Dominant colours as swatches from a fixed palette, so `colors` is a facet with a dozen values.

Exact hex values (`#3a5f8c`) would be unique per image and useless to filter on; each pixel is
instead named by hue, saturation and brightness and counted, and the swatches covering enough
of the picture are kept, largest share first. Transparent pixels do not count.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

PALETTE = {
    "black": "#000000",
    "gray": "#808080",
    "white": "#ffffff",
    "red": "#e53935",
    "orange": "#fb8c00",
    "brown": "#795548",
    "yellow": "#fdd835",
    "green": "#43a047",
    "teal": "#00897b",
    "blue": "#1e88e5",
    "purple": "#8e24aa",
    "pink": "#ec407a",
}
"""Swatch name -> the hex value stored in `colors`."""
SAMPLE_PX = 64
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


def dominant_colors(image: Image.Image) -> list[str]:
    """Up to `MAX_COLORS` palette hex values, each covering at least `MIN_SHARE` of the opaque pixels."""
    sample = image.copy()
    sample.thumbnail((SAMPLE_PX, SAMPLE_PX), Image.Resampling.BILINEAR)
    hsv = np.asarray(sample.convert("RGB").convert("HSV"), dtype=np.uint8).reshape(-1, 3)
    if sample.mode == "RGBA":
        hsv = hsv[np.asarray(sample.getchannel("A")).reshape(-1) >= 128]
    if not len(hsv):
        return []
    names, counts = np.unique(_names(hsv), return_counts=True)
    ranked = sorted(zip(counts.tolist(), names.tolist(), strict=True), key=lambda item: (-item[0], item[1]))
    return [PALETTE[name] for count, name in ranked[:MAX_COLORS] if count >= MIN_SHARE * len(hsv)]
