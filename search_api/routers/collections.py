"""Collections (lightboxes): create, describe, share, fill, read and download; each step permission-checked."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from search_api.collection_schemas import (
    MAX_IDS,
    CollectionBody,
    CollectionChanges,
    CollectionItems,
    CollectionOut,
    ItemChangeOut,
    ItemIds,
    SharesBody,
    collection_out,
    item_change_out,
)
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import MAX_PAGE, MAX_PAGE_SIZE
from search_api.schemas import search_response
from search_api.zip_response import zip_response

router = APIRouter(prefix="/api/collections", tags=["collections"])
ZIP_RESPONSE = {200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("", response_model=list[CollectionOut], summary="Collections you own or that are shared with you")
def list_collections(principal: CurrentPrincipal, services: ServicesDep) -> list[CollectionOut]:
    return [collection_out(view) for view in services.collections.readable(principal)]


@router.post("", response_model=CollectionOut, status_code=201, summary="Create a collection")
def create(body: CollectionBody, principal: CurrentPrincipal, services: ServicesDep) -> CollectionOut:
    created = services.collections.create(principal, body.name, body.description)
    return collection_out(services.collections.view(principal, created.id))


@router.get("/{collection_id}", response_model=CollectionOut, summary="One collection")
def detail(collection_id: str, principal: CurrentPrincipal, services: ServicesDep) -> CollectionOut:
    return collection_out(services.collections.view(principal, collection_id))


@router.patch("/{collection_id}", response_model=CollectionOut, summary="Rename or describe (owner or editor)")
def describe(
    collection_id: str, changes: CollectionChanges, principal: CurrentPrincipal, services: ServicesDep
) -> CollectionOut:
    current = services.collections.view(principal, collection_id).collection
    services.collections.describe(
        principal,
        collection_id,
        current.name if changes.name is None else changes.name,
        current.description if changes.description is None else changes.description,
    )
    return collection_out(services.collections.view(principal, collection_id))


@router.delete("/{collection_id}", status_code=204, summary="Delete a collection (owner)")
def delete(collection_id: str, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    services.collections.delete(principal, collection_id)
    return Response(status_code=204)


@router.put("/{collection_id}/shares", response_model=CollectionOut, summary="Share with groups (owner)")
def share(collection_id: str, body: SharesBody, principal: CurrentPrincipal, services: ServicesDep) -> CollectionOut:
    services.collections.share(principal, collection_id, body.shares)
    return collection_out(services.collections.view(principal, collection_id))


@router.get("/{collection_id}/items", response_model=CollectionItems, summary="The items you may see, a page")
def items(
    collection_id: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE)] = 24,
) -> CollectionItems:
    found = services.collections.page(principal, collection_id, page, size)
    results = search_response(found.result, page, size, date.today(), principal=principal)
    return CollectionItems(collection=collection_out(found.view), results=results)


@router.post("/{collection_id}/items", response_model=ItemChangeOut, summary="Add assets (owner or editor)")
def add_items(collection_id: str, body: ItemIds, principal: CurrentPrincipal, services: ServicesDep) -> ItemChangeOut:
    return item_change_out(services.collections.add(principal, collection_id, body.ids))


@router.delete("/{collection_id}/items", response_model=ItemChangeOut, summary="Remove assets (owner or editor)")
def remove_items(
    collection_id: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    ids: Annotated[list[str], Query(alias="id", min_length=1, max_length=MAX_IDS)],
) -> ItemChangeOut:
    return item_change_out(services.collections.remove(principal, collection_id, ids))


@router.get(
    "/{collection_id}/download",
    response_class=StreamingResponse,
    responses=ZIP_RESPONSE,
    summary="The originals you may download, as a streamed ZIP with manifest.csv",
)
def download(collection_id: str, principal: CurrentPrincipal, services: ServicesDep) -> StreamingResponse:
    archive = services.collection_downloads.zip(principal, collection_id)
    return zip_response(archive.filename, archive.chunks)
