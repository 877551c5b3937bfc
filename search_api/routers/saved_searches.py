"""Saved searches: save the current search under a name, list them with their "new" counts, rename, delete, run."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from loupe_core.saved_searches.saved_query import SavedQuery
from search_api.collection_schemas import SavedSearchName, SavedSearchOut, saved_search_out
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import MAX_PAGE, MAX_PAGE_SIZE, SearchQueryDep
from search_api.schemas import SearchResponse, search_response
from search_api.search_logging import record_search

router = APIRouter(prefix="/api/saved-searches", tags=["saved searches"])


@router.get("", response_model=list[SavedSearchOut], summary="Your saved searches, each with what is new")
def list_saved(principal: CurrentPrincipal, services: ServicesDep) -> list[SavedSearchOut]:
    return [saved_search_out(status) for status in services.saved_searches.statuses(principal)]


@router.post(
    "",
    response_model=SavedSearchOut,
    status_code=201,
    summary="Save a search: the name in the body, the search in the query string (as GET /api/search takes it)",
)
def save(
    body: SavedSearchName,
    query: SearchQueryDep,
    principal: CurrentPrincipal,
    services: ServicesDep,
    collection: Annotated[str | None, Query(max_length=64)] = None,
) -> SavedSearchOut:
    saved = services.saved_searches.save(principal, body.name, SavedQuery.of(query, collection))
    return saved_search_out(services.saved_searches.status(principal, saved.id))


@router.get("/{saved_id}", response_model=SavedSearchOut, summary="One saved search")
def detail(saved_id: str, principal: CurrentPrincipal, services: ServicesDep) -> SavedSearchOut:
    return saved_search_out(services.saved_searches.status(principal, saved_id))


@router.patch("/{saved_id}", response_model=SavedSearchOut, summary="Rename a saved search")
def rename(saved_id: str, body: SavedSearchName, principal: CurrentPrincipal, services: ServicesDep) -> SavedSearchOut:
    services.saved_searches.rename(principal, saved_id, body.name)
    return saved_search_out(services.saved_searches.status(principal, saved_id))


@router.delete("/{saved_id}", status_code=204, summary="Delete a saved search")
def delete(saved_id: str, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    services.saved_searches.delete(principal, saved_id)
    return Response(status_code=204)


@router.post("/{saved_id}/run", response_model=SearchResponse, summary="Run it (resets its count of new results)")
def run(
    saved_id: str,
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE)] = 24,
) -> SearchResponse:
    done = services.saved_searches.run(principal, saved_id, page, size)
    query_id = record_search(request, services, principal, done.query, done.result)
    return search_response(done.result, page, size, date.today(), query_id, principal=principal)
