"""The WebP renditions a browser is shown (thumbnail and large preview), upright and in display colours.

One resize chain: the preview is scaled from the decoded image and the thumbnail from the preview
(`derive` takes the encoder input from the smaller of the two that covers it), so each step reads
the smallest picture it can.
Both are named by content hash, so identical files share them and a rename costs nothing, and
both are written through a temporary file so a reader (or a killed run) never leaves half a
file under the final name. High-bit-depth and float images are scaled into 8 bits here:
Pillow's own conversion of 16-bit greyscale clips everything above 255 to white.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

RENDITION_FORMAT = "webp"


@dataclass(frozen=True)
class WebpSettings:
    """libwebp's quality (0-100) and effort (`method`, 0-6: more effort, fewer bytes, more CPU)."""

    quality: int
    method: int


PREVIEW_WEBP = WebpSettings(quality=80, method=0)
"""Method 0, libwebp's fastest: ~11.5 ms for a 1024 px preview, where method 4 (the default) took ~45 ms
for 7 % fewer bytes and +0.002 SSIM. JPEG q85 takes ~2.3 ms but 2.3x the bytes for +0.005 SSIM: not
worth the storage and bandwidth for ~6 % of ingest's CPU (bench/ingest.py prints these candidates)."""
THUMBNAIL_WEBP = WebpSettings(quality=80, method=2)
"""Method 2: ~2.2 ms against method 4's ~5.1 ms, for 5 % more bytes and SSIM within 0.002; method 0 would
add over a third to the bytes, and thumbnails are what result grids load by the dozen."""
_WIDE_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})


def rendition_name(sha256: str) -> str:
    return f"{sha256}.{RENDITION_FORMAT}"


def _to_8bit(image: Image.Image) -> Image.Image:
    """Greyscale with more than 8 bits stretched into 0..255.

    16-bit modes use their full range; 32-bit ints (how some files hold 16 or 8 bits) the
    smallest range that fits; floats (scientific TIFFs) have no natural range, so min..max.
    """
    values = np.asarray(image, dtype=np.float64)
    peak = float(values.max(initial=0.0))
    low, high = 0.0, 65535.0
    if image.mode == "F":
        low, high = float(values.min(initial=0.0)), peak
    elif image.mode == "I":
        high = 255.0 if peak <= 255 else 65535.0 if peak <= 65535 else peak
    scaled = (values - low) * (255.0 / ((high - low) or 1.0))
    return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8), "L")


def display_image(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where the image has transparency; CMYK, palette and 16-bit images converted."""
    if image.mode in _WIDE_MODES:
        image = _to_8bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    return image if image.mode == target else image.convert(target)


def reduced(image: Image.Image, longest_side: int) -> Image.Image:
    """The image scaled to fit `longest_side` (never enlarged; the image itself when it already fits).

    Cost matters more than the last bit of sharpness here (the workers race the encoder):
    large factors are first shrunk by whole-number box reduction (an exact area average,
    no aliasing), the rest is bicubic rather than Lanczos, together about half the CPU.
    """
    scale = longest_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=1.0)


def scaled_renditions(shown: Image.Image, preview_px: int, thumbnail_px: int) -> tuple[Image.Image, Image.Image]:
    """The preview and the thumbnail of a decoded image, the thumbnail scaled from the preview: it reads
    a fraction of the decoded image's pixels (which can be 2x the preview's side, 4x for a PNG)."""
    preview = reduced(shown, preview_px)
    return preview, reduced(preview, thumbnail_px)


def write_webp(image: Image.Image, destination: Path, settings: WebpSettings) -> None:
    """Save atomically: a temporary file in the same folder, then a rename."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            image.save(handle, format=RENDITION_FORMAT, quality=settings.quality, method=settings.method)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
