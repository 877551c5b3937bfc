"""Which query-string parameter sets which `Filters` field, and how pages label it.

The names are the ones `search_api.params.search_query` reads; pages only need to know them to
build links, never to parse them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from loupe_core.query import FacetName, Filters
from loupe_core.schema import LicenseState

LICENSE_LABELS: Mapping[str, str] = {
    LicenseState.none: "No expiry date",
    LicenseState.valid: "Valid",
    LicenseState.expiring: "Expiring soon",
    LicenseState.expired: "Expired",
}


@dataclass(frozen=True)
class FilterParam:
    name: str
    """The query-string parameter."""
    attribute: str
    """The field of `Filters` it fills."""
    label: str
    value_labels: Mapping[str, str] = field(default_factory=dict)
    companions: tuple[str, ...] = ()
    """Parameters that mean nothing without this one (a colour's tolerance): removed with its last value."""

    def active(self, filters: Filters) -> list[str]:
        """The validated values (taxonomy paths normalized, dates ISO), not the raw query string."""
        value = getattr(filters, self.attribute)
        values = value if isinstance(value, tuple) else (value,) if value is not None else ()
        return [str(v) for v in values]

    def display(self, value: str) -> str:
        return self.value_labels.get(value, value)


FACET_FILTERS: dict[FacetName, FilterParam] = {
    FacetName.taxonomy: FilterParam("taxonomy", "taxonomy", "Category"),
    FacetName.tags: FilterParam("tag", "tags", "Tag"),
    FacetName.file_type: FilterParam("file_type", "file_type", "File type"),
    FacetName.orientation: FilterParam("orientation", "orientation", "Orientation"),
    FacetName.color_family: FilterParam("color_family", "color_family", "Colour"),
    FacetName.license: FilterParam("license", "license", "Licence", LICENSE_LABELS),
    FacetName.status: FilterParam("status", "status", "Status"),
    FacetName.owner: FilterParam("owner", "owner", "Owner"),
}
"""Facets the sidebar shows, in display order; `groups` has no filter parameter, so it is not linked."""

ALL_FILTERS: tuple[FilterParam, ...] = (
    *FACET_FILTERS.values(),
    FilterParam("color", "color", "Colour like", companions=("color_distance",)),
    FilterParam("created_from", "created_from", "Created from"),
    FilterParam("created_to", "created_to", "Created to"),
    FilterParam("has_text", "has_text", "Text in image", {"True": "yes", "False": "none"}),
)
