"""Search endpoints: text/facets/semantic/hybrid, title suggestions, and search by an uploaded image."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile

from loupe_core.autocomplete import KINDS
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.image_search import search_uploaded_image
from search_api.params import SearchQueryDep
from search_api.schemas import SearchResponse, Suggestion, search_response, suggestion
from search_api.search_logging import record_search

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", response_model=SearchResponse, summary="Search assets")
def search(
    request: Request,
    query: SearchQueryDep,
    services: ServicesDep,
    principal: CurrentPrincipal,
    explain: Annotated[bool, Query(description="Add each hit's per-list evidence and the floors applied")] = False,
    collapse: Annotated[
        Literal["duplicates", "none"], Query(description="Fold exact and visual duplicates into one hit")
    ] = "none",
) -> SearchResponse:
    result = services.search.search(query, collapse=collapse == "duplicates")
    query_id = record_search(request, services, principal, query, result)
    return search_response(result, query.page, query.size, date.today(), query_id, principal=principal, explain=explain)


@router.get("/suggest", response_model=list[Suggestion], summary="Popular queries and titles completing what was typed")
def suggest(
    services: ServicesDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    size: Annotated[int, Query(ge=1, le=20)] = 8,
    kind: Annotated[
        Literal["all", "title", "query"], Query(description="Only titles, only past queries, or both merged")
    ] = "all",
) -> list[Suggestion]:
    kinds = KINDS if kind == "all" else frozenset({kind})
    return [suggestion(c) for c in services.autocomplete.complete(q, principal, size, kinds)]


@router.post("/image", response_model=SearchResponse, summary="Find assets that look like an uploaded image")
async def search_by_image(
    request: Request,
    query: SearchQueryDep,
    services: ServicesDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
) -> SearchResponse:
    result, query_id = await search_uploaded_image(request, services, principal, query, file)
    return search_response(result, query.page, query.size, date.today(), query_id, principal=principal)
