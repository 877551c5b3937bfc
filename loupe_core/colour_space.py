"""sRGB to CIELAB and the ΔE distance that colour search matches by, stated once for both backends.

A hex value is meaningless to compare channel by channel: two blues 40 apart in RGB can look
alike while a green 40 away does not. CIELAB is built so that Euclidean distance (ΔE*ab, CIE76)
follows perceived difference: about 2.3 is a just-noticeable step, 10 reads as "the same colour,
another shade", beyond 30 as another colour.

Colours are stored as integers, L (0..100), a and b (-128..127) rounded and packed into one
int, so that the embedded store (NumPy) and OpenSearch (a Painless script over doc values)
compute the same squared distance with integer arithmetic: no float rounding can make the two
backends disagree at the edge of a tolerance.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from loupe_core.errors import InvalidQuery

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_L_SHIFT = 16
_A_SHIFT = 8

FAMILY_SWATCHES: dict[str, str] = {
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
"""The colour families images are faceted by (`indexer.colors`) and the swatch shown for each."""

NAMED_COLOURS: dict[str, str] = {
    "black": "#000000",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "white": "#ffffff",
    "red": "#e53935",
    "maroon": "#800000",
    "orange": "#fb8c00",
    "brown": "#795548",
    "beige": "#e8dcc4",
    "yellow": "#fdd835",
    "gold": "#d4af37",
    "olive": "#808000",
    "green": "#43a047",
    "lime": "#8bc34a",
    "teal": "#00897b",
    "cyan": "#00bcd4",
    "blue": "#1e88e5",
    "navy": "#1a237e",
    "sky": "#87ceeb",
    "purple": "#8e24aa",
    "lavender": "#b39ddb",
    "pink": "#ec407a",
    "magenta": "#d81b60",
}
"""Names a marketer may type instead of a hex value (`color=navy`)."""


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """`#3a5f8c`, `3a5f8c` or `#38c` -> (r, g, b); anything else is an `InvalidQuery`."""
    match = _HEX.match(value.strip())
    if not match:
        raise InvalidQuery(f"not a colour: {value[:40]!r} (use a hex value like #3a5f8c or a name like navy)")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def srgb_to_lab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Rows of 8-bit sRGB -> rows of CIELAB (D65), the standard conversion."""
    values = np.asarray(rgb, dtype=np.float64).reshape(-1, 3) / 255.0
    linear = np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def pack_lab(lab: npt.ArrayLike) -> list[int]:
    """Rows of CIELAB -> one int each: rounded L (0..100), a and b (-128..127) in bytes."""
    rounded = np.rint(np.asarray(lab, dtype=np.float64).reshape(-1, 3)).astype(np.int64)
    light = np.clip(rounded[:, 0], 0, 100)
    a, b = (np.clip(rounded[:, i], -128, 127) + 128 for i in (1, 2))
    return [int(v) for v in (light << _L_SHIFT) | (a << _A_SHIFT) | b]


def unpack_lab(packed: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Packed ints -> rows of integer (L, a, b)."""
    codes = np.asarray(packed, dtype=np.int64).reshape(-1)
    return np.stack([codes >> _L_SHIFT, ((codes >> _A_SHIFT) & 0xFF) - 128, (codes & 0xFF) - 128], axis=1)


def parse_colour(value: str) -> int:
    """A hex value or a name from `NAMED_COLOURS` -> its packed CIELAB code."""
    named = NAMED_COLOURS.get(value.strip().lower())
    return pack_lab(srgb_to_lab(hex_to_rgb(named or value)))[0]


def within_delta_e(stored: npt.ArrayLike, target: int, delta_e: int) -> npt.NDArray[np.bool_]:
    """Which packed colours lie within ΔE*ab `delta_e` of `target` (squared integer distances, no rounding)."""
    difference = unpack_lab(stored) - unpack_lab([target])
    return np.asarray((difference**2).sum(axis=1) <= delta_e * delta_e)
