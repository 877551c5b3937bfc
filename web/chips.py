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
        for value in values:
            remaining = [v for v in values if v != value]
            base = qs if remaining else qs.minus(param.companions)
            chips.append(Chip(param.label, param.display(value), base.with_values(param.name, remaining)))
    return chips


def clear_filters_url(qs: QueryString) -> str:
    return qs.without(name for param in ALL_FILTERS for name in (param.name, *param.companions))
