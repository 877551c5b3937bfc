"""The facet sidebar: bucket counts as filter links, with the taxonomy nested as a tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from loupe_core.colour_space import FAMILY_SWATCHES
from loupe_core.query import FacetName, Filters
from search_api.schemas import Bucket
from web.filter_params import FACET_FILTERS, FilterParam
from web.query_string import QueryString


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    active: bool
    url: str
    """Adds the value, or removes it when active; plain link first, htmx reuses it."""
    children: tuple[FacetOption, ...] = ()
    swatch: str | None = None
    """A colour family's name, for its CSS swatch class (the CSP allows no inline styles)."""


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    options: tuple[FacetOption, ...]


def facet_groups(facets: dict[str, list[Bucket]], filters: Filters, qs: QueryString) -> list[FacetGroup]:
    groups: list[FacetGroup] = []
    for facet, param in FACET_FILTERS.items():
        buckets = facets.get(facet.value, [])
        if not buckets:
            continue
        active = param.active(filters)
        if facet is FacetName.taxonomy:
            options = taxonomy_tree(buckets, active, qs, param)
        else:
            options = tuple(_option(bucket, param.display(bucket.value), active, qs, param) for bucket in buckets)
        groups.append(FacetGroup(param.name, param.label, options))
    return groups


def taxonomy_tree(
    buckets: list[Bucket], active: list[str], qs: QueryString, param: FilterParam
) -> tuple[FacetOption, ...]:
    """Nest flat path buckets (`Animals`, `Animals/Cats`) under their parents.

    Stores count every ancestor (path_hierarchy), so parents are normally present; a path whose
    parent was cut by the bucket limit becomes a root labelled with its full path. Siblings keep
    the store's order (most assets first).
    """
    present = {bucket.value for bucket in buckets}
    children: defaultdict[str, list[Bucket]] = defaultdict(list)
    for bucket in buckets:
        parent = bucket.value.rpartition("/")[0]
        children[parent if parent in present else ""].append(bucket)

    def build(parent: str) -> tuple[FacetOption, ...]:
        return tuple(
            _option(
                bucket,
                bucket.value.removeprefix(parent + "/") if parent else bucket.value,
                active,
                qs,
                param,
                children=build(bucket.value),
            )
            for bucket in children[parent]
        )

    return build("")


def _option(
    bucket: Bucket,
    label: str,
    active: list[str],
    qs: QueryString,
    param: FilterParam,
    children: tuple[FacetOption, ...] = (),
) -> FacetOption:
    selected = bucket.value in active
    return FacetOption(
        value=bucket.value,
        label=label,
        count=bucket.count,
        active=selected,
        url=qs.with_values(param.name, _toggled(active, bucket.value, param)),
        children=children,
        swatch=bucket.value if param.attribute == "color_family" and bucket.value in FAMILY_SWATCHES else None,
    )


def _toggled(active: list[str], value: str, param: FilterParam) -> list[str]:
    """Values inside one filter are ORed, so picking `Animals/Cats` while `Animals` is active
    would change nothing: a taxonomy pick replaces its ancestors and descendants (drill down/up)."""
    if value in active:
        return [v for v in active if v != value]
    if param.attribute == "taxonomy":
        return [v for v in active if not _same_branch(v, value)] + [value]
    return [*active, value]


def _same_branch(a: str, b: str) -> bool:
    return a.startswith(b + "/") or b.startswith(a + "/")
