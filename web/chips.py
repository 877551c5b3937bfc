"""Active-filter chips: one removable chip per filter value, plus a link that clears them all."""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.query import Filters
from web.filter_params import ALL_FILTERS
from web.query_string import QueryString


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str


def active_chips(filters: Filters, qs: QueryString) -> list[Chip]:
    chips: list[Chip] = []
    for param in ALL_FILTERS:
        values = param.active(filters)
        chips.extend(
            Chip(param.label, param.display(value), qs.with_values(param.name, [v for v in values if v != value]))
            for value in values
        )
    return chips


def clear_filters_url(qs: QueryString) -> str:
    return qs.without(param.name for param in ALL_FILTERS)
