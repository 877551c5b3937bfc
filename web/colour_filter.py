"""The filter panel's "colour like" control: pick a colour and a tolerance, keep every other filter.

It is a plain GET form (no JavaScript needed); the active filters travel as hidden inputs, so
picking a colour narrows the current results instead of starting over.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.colour_space import NAMED_COLOURS, hex_to_rgb, rgb_to_hex
from loupe_core.query import DEFAULT_COLOR_DELTA_E, Filters
from web.query_string import QueryString

TOLERANCES: tuple[tuple[int, str], ...] = ((10, "Close"), (DEFAULT_COLOR_DELTA_E, "Similar"), (35, "Loose"))
"""ΔE values a person picks by name; the API takes any value from 1 to 100."""
_OWN_PARAMS = ("color", "color_distance")
_DEFAULT_PICK = "#1e88e5"


@dataclass(frozen=True)
class ColourForm:
    value: str
    """The picker's colour as `#rrggbb` (what `<input type=color>` needs), a name resolved."""
    distance: int
    tolerances: tuple[tuple[int, str], ...]
    carried: tuple[tuple[str, str], ...]
    clear_url: str | None
    """Removes the colour filter; None when none is active."""


def colour_form(filters: Filters, qs: QueryString) -> ColourForm:
    chosen = filters.color
    value = rgb_to_hex(hex_to_rgb(NAMED_COLOURS.get(chosen, chosen))) if chosen else _DEFAULT_PICK
    tolerances = TOLERANCES
    if filters.color_delta_e not in dict(TOLERANCES):
        tolerances = (*TOLERANCES, (filters.color_delta_e, f"ΔE {filters.color_delta_e}"))
    carried = tuple((k, v) for k, v in qs.items if k not in (*_OWN_PARAMS, "page"))
    return ColourForm(value, filters.color_delta_e, tolerances, carried, qs.without(_OWN_PARAMS) if chosen else None)
