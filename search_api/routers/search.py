"""Search endpoints: text/facets/semantic/hybrid, and search by an uploaded image."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import SearchQueryDep
from search_api.schemas import SearchResponse, search_response
from search_api.search_logging import record_search
from search_api.uploads import read_image_upload

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", response_model=SearchResponse, summary="Search assets")
def search(
    request: Request, query: SearchQueryDep, services: ServicesDep, principal: CurrentPrincipal
) -> SearchResponse:
    result = services.search.search(query)
    query_id = record_search(request, services, principal, query, result)
    return search_response(result, query.page, query.size, date.today(), query_id)


@router.post("/image", response_model=SearchResponse, summary="Find assets that look like an uploaded image")
async def search_by_image(
    request: Request,
    query: SearchQueryDep,
    services: ServicesDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
) -> SearchResponse:
    data = await read_image_upload(file, services.settings.max_upload_bytes)
    result = await run_in_threadpool(services.search.by_image, data, query)
    query_id = record_search(request, services, principal, query, result, mode="image")
    return search_response(result, query.page, query.size, date.today(), query_id)
