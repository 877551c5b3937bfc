"""Search by an uploaded image, logged like any search: one path for the API and the web page."""

from __future__ import annotations

from fastapi import Request, UploadFile
from starlette.concurrency import run_in_threadpool

from loupe_core.principal import Principal
from loupe_core.query import Query, SearchResult
from search_api.search_logging import record_search
from search_api.services import Services
from search_api.uploads import read_image_upload


async def search_uploaded_image(
    request: Request, services: Services, principal: Principal, query: Query, file: UploadFile
) -> tuple[SearchResult, str]:
    """The result and its search-log query_id; the upload is read within the configured limit."""
    data = await read_image_upload(file, services.settings.max_upload_bytes)
    result = await run_in_threadpool(services.search.by_image, data, query)
    return result, record_search(request, services, principal, query, result, mode="image")
