"""The filter panel's "text in image" checkbox: only images with words read in them (`has_text`).

A plain GET form like the colour control: the other active filters travel as hidden inputs, and
an unticked box sends no `has_text` at all, which is what clears the filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.query import Filters
from web.query_string import QueryString

_OWN_PARAMS = ("has_text",)


@dataclass(frozen=True)
class TextInImageForm:
    checked: bool
    carried: tuple[tuple[str, str], ...]


def text_in_image_form(filters: Filters, qs: QueryString) -> TextInImageForm:
    carried = tuple((k, v) for k, v in qs.items if k not in (*_OWN_PARAMS, "page"))
    return TextInImageForm(filters.has_text is True, carried)
