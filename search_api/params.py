"""Reads search parameters from the query string into the core `Query` (validation -> 422)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import ValidationError

from loupe_core import query as qm
from loupe_core.day_range import SupportedDay
from loupe_core.errors import InvalidQuery
from loupe_core.schema import LicenseState
from search_api.deps import CurrentPrincipal, ServicesDep, SettingsDep

MAX_QUERY_CHARS = 1000
MAX_PAGE_SIZE = 100
MAX_PAGE = 100
"""page x size stays within 10,000 results, the deepest either backend pages (max_result_window)."""
MultiValue = Annotated[list[str], Query(max_length=50)]


def search_query(
    principal: CurrentPrincipal,
    settings: SettingsDep,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Free text")] = "",
    mode: qm.SearchMode = qm.SearchMode.hybrid,
    taxonomy: MultiValue = [],  # noqa: B006 - FastAPI copies defaults per request
    tag: MultiValue = [],  # noqa: B006
    status: MultiValue = [],  # noqa: B006
    file_type: MultiValue = [],  # noqa: B006
    orientation: MultiValue = [],  # noqa: B006
    owner: MultiValue = [],  # noqa: B006
    license: Annotated[list[LicenseState], Query(max_length=4)] = [],  # noqa: B006
    color_family: MultiValue = [],  # noqa: B006
    color: Annotated[
        str | None, Query(max_length=40, description="A hex value (#3a5f8c) or a colour name (navy)")
    ] = None,
    color_distance: Annotated[
        int, Query(ge=1, le=100, description="Colour tolerance in CIELAB ΔE: 10 close, 20 a shade, 30+ loose")
    ] = qm.DEFAULT_COLOR_DELTA_E,
    created_from: SupportedDay | None = None,
    created_to: SupportedDay | None = None,
    has_text: Annotated[
        bool | None, Query(description="true: only images with text read in them (OCR); false: only those without")
    ] = None,
    collection: Annotated[
        str | None, Query(max_length=64, description="Only assets in this collection (those the caller may see)")
    ] = None,
    facet: Annotated[list[qm.FacetName] | None, Query(max_length=10)] = None,
    sort: qm.SortOrder = qm.SortOrder.relevance,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE)] = 24,
) -> qm.Query:
    try:
        filters = qm.Filters(
            taxonomy=tuple(taxonomy),
            tags=tuple(tag),
            status=tuple(status),
            file_type=tuple(file_type),
            orientation=tuple(orientation),
            owner=tuple(owner),
            license=tuple(license),
            color_family=tuple(color_family),
            color=color,
            color_delta_e=color_distance,
            created_from=created_from,
            created_to=created_to,
            has_text=has_text,
        )
        if collection:
            filters = services.collections.narrow(principal, filters, collection)
        return qm.Query(
            text=q,
            mode=mode,
            filters=filters,
            facets=tuple(facet) if facet is not None else qm.DEFAULT_FACETS,
            sort=sort,
            page=page,
            size=size,
            knn_k=settings.knn_candidates,
            rrf_k=settings.rrf_k,
            fusion=settings.fusion,
            keyword_weight=settings.keyword_weight,
            principal=principal,
        )
    except ValidationError as exc:
        raise InvalidQuery("; ".join(e["msg"] for e in exc.errors())) from exc


SearchQueryDep = Annotated[qm.Query, Depends(search_query)]
