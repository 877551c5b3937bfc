"""One asset: detail, "more like this", its thumbnail and its original file (all permission-checked)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from loupe_core.librarian.editing import AssetChanges
from loupe_core.librarian.suggestions import Decision, Suggestion
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.errors import VersionConflictBody, etag
from search_api.params import SearchQueryDep
from search_api.schemas import AssetDetail, SearchResponse, asset_detail, search_response

router = APIRouter(prefix="/api/assets", tags=["assets"])


@router.get("/{asset_id:path}/similar", response_model=SearchResponse, summary="More like this")
def similar(asset_id: str, query: SearchQueryDep, services: ServicesDep) -> SearchResponse:
    result = services.search.similar(asset_id, query)
    return search_response(result, query.page, query.size, date.today())


@router.get("/{asset_id:path}/thumbnail", summary="The asset's thumbnail (WebP)", response_class=FileResponse)
def thumbnail(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> FileResponse:
    path = services.files.thumbnail(services.store.get(asset_id, principal))
    return FileResponse(path, media_type="image/webp", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{asset_id:path}/file", summary="Download the original file", response_class=FileResponse)
def original(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> FileResponse:
    asset = services.store.get(asset_id, principal)
    path = services.files.original(asset)
    services.usage.used(principal, asset.id, "download", "original")
    return FileResponse(path, filename=asset.filename or path.name)


@router.get("/{asset_id:path}/suggestions", response_model=list[Suggestion], summary="Tag suggestions")
def suggestions(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> list[Suggestion]:
    return services.suggestion_desk.suggestions(principal, asset_id)


class SuggestionDecision(BaseModel):
    term: str = Field(min_length=1, max_length=200)
    decision: Decision


@router.post("/{asset_id:path}/suggestions", response_model=AssetDetail, summary="Accept or reject a suggestion")
def decide_suggestion(
    asset_id: str, body: SuggestionDecision, principal: CurrentPrincipal, services: ServicesDep
) -> AssetDetail:
    asset = services.suggestion_desk.decide(principal, asset_id, body.term, body.decision)
    return asset_detail(asset, date.today())


IfMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        description="The ETag from GET: the edit applies only if nobody changed the asset since (412 otherwise)",
    ),
]


@router.patch(
    "/{asset_id:path}",
    response_model=AssetDetail,
    summary="Edit an asset's metadata or visibility",
    responses={412: {"model": VersionConflictBody, "description": "The asset changed since the If-Match version"}},
)
def edit(
    asset_id: str,
    changes: AssetChanges,
    principal: CurrentPrincipal,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AssetDetail:
    saved = services.editor.edit(principal, asset_id, changes, version_of(if_match))
    response.headers["ETag"] = etag(saved.version)
    return asset_detail(saved.asset, date.today())


@router.get("/{asset_id:path}", response_model=AssetDetail, summary="One asset's metadata")
def detail(asset_id: str, principal: CurrentPrincipal, services: ServicesDep, response: Response) -> AssetDetail:
    found = services.store.get_versioned(asset_id, principal)
    response.headers["ETag"] = etag(found.version)
    return asset_detail(found.asset, date.today())


def version_of(if_match: str | None) -> str | None:
    """`"12"` or `W/"12"` -> `12`; `*` (any version) and no header mean an unconditional edit."""
    if if_match is None or if_match.strip() == "*":
        return None
    return if_match.strip().removeprefix("W/").strip('"')
