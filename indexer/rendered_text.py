"""Legible text drawn onto a real photo (a sign, a label, a poster caption): the demo's and the OCR bench's.

Scene text in a library is made to be read: on a plate of its own colour (a sign, a label), or
outlined or shadowed over the picture (a poster). These are the three styles here; the text is
always placed wholly inside the picture, turned by a small angle about its own centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

Style = Literal["plate", "outline", "shadow"]
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Lettering:
    """What to draw and how: `centre` as fractions of the picture's width and height."""

    text: str
    size: int
    style: Style = "plate"
    angle: float = 0.0
    centre: tuple[float, float] = (0.5, 0.5)
    ink: RGB = (20, 20, 20)
    plate: RGB = (245, 240, 225)
    font_path: str | None = None
    """A TrueType file; None uses the scalable font bundled with Pillow (no system fonts needed)."""


def font_for(lettering: Lettering) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if lettering.font_path is None:
        return ImageFont.load_default(lettering.size)
    return ImageFont.truetype(lettering.font_path, lettering.size)


def letter(photo: Image.Image, lettering: Lettering) -> Image.Image:
    """A copy of `photo` (RGB) with the lettering drawn on; raises ValueError when it does not fit."""
    base = photo.convert("RGBA")
    font = font_for(lettering)
    probe = ImageDraw.Draw(base)
    left, top, right, bottom = probe.textbbox((0, 0), lettering.text, font=font)
    pad = lettering.size // 3
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    if width > base.width * 0.95 or height > base.height * 0.95:
        raise ValueError(f"{lettering.text!r} at {lettering.size} px does not fit in {base.size}")
    x = round(min(max(lettering.centre[0] * base.width - width / 2, 0), base.width - width))
    y = round(min(max(lettering.centre[1] * base.height - height / 2, 0), base.height - height))
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    origin = (x + pad - left, y + pad - top)
    if lettering.style == "plate":
        draw.rounded_rectangle((x, y, x + width, y + height), radius=pad, fill=(*lettering.plate, 240))
        draw.text(origin, lettering.text, font=font, fill=(*lettering.ink, 255))
    elif lettering.style == "outline":
        stroke = max(2, lettering.size // 12)
        draw.text(
            origin,
            lettering.text,
            font=font,
            fill=(255, 255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 255),
        )
    else:
        offset = max(2, lettering.size // 14)
        draw.text((origin[0] + offset, origin[1] + offset), lettering.text, font=font, fill=(0, 0, 0, 230))
        draw.text(origin, lettering.text, font=font, fill=(255, 255, 255, 255))
    turned = layer.rotate(lettering.angle, Image.Resampling.BICUBIC, center=(x + width / 2, y + height / 2))
    return Image.alpha_composite(base, turned).convert("RGB")
