"""One asset: detail, "more like this", its thumbnail and its original file (all permission-checked)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from loupe_core.errors import AssetNotFound, Forbidden, InvalidQuery
from loupe_core.librarian.editing import AssetChanges, can_edit
from loupe_core.librarian.suggestions import Decision, Suggestion
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import SearchQueryDep
from search_api.schemas import AssetDetail, SearchResponse, asset_detail, search_response

router = APIRouter(prefix="/api/assets", tags=["assets"])


@router.get("/{asset_id:path}/similar", response_model=SearchResponse, summary="More like this")
def similar(asset_id: str, query: SearchQueryDep, services: ServicesDep) -> SearchResponse:
    result = services.search.similar(asset_id, query)
    return search_response(result, query.page, query.size, date.today())


@router.get("/{asset_id:path}/thumbnail", summary="The asset's thumbnail (WebP)", response_class=FileResponse)
def thumbnail(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> FileResponse:
    asset = services.store.get(asset_id, principal)
    if not asset.thumbnail:
        raise AssetNotFound(f"asset {asset_id!r} has no thumbnail")
    path = _inside(services.settings.thumbnails_dir, asset.thumbnail)
    return FileResponse(path, media_type="image/webp", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{asset_id:path}/file", summary="Download the original file", response_class=FileResponse)
def original(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> FileResponse:
    asset = services.store.get(asset_id, principal)
    if not asset.path or not Path(asset.path).is_file():
        raise AssetNotFound(f"the original file of {asset_id!r} is not available")
    return FileResponse(asset.path, filename=asset.filename or Path(asset.path).name)


@router.get("/{asset_id:path}/suggestions", response_model=list[Suggestion], summary="Tag suggestions")
def suggestions(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> list[Suggestion]:
    asset = services.store.get(asset_id, principal)
    if not can_edit(principal, asset):
        raise Forbidden(f"you may not edit {asset_id!r}")
    return services.suggester.suggest(asset)


class SuggestionDecision(BaseModel):
    term: str = Field(min_length=1, max_length=200)
    decision: Decision


@router.post("/{asset_id:path}/suggestions", response_model=AssetDetail, summary="Accept or reject a suggestion")
def decide_suggestion(
    asset_id: str, body: SuggestionDecision, principal: CurrentPrincipal, services: ServicesDep
) -> AssetDetail:
    asset = services.store.get(asset_id, principal)
    terms = {t.term: t for t in services.vocabulary.terms()}
    if body.term not in terms:
        raise InvalidQuery(f"{body.term!r} is not in the vocabulary")
    if body.decision == "accepted":
        term = terms[body.term]
        changes = (
            AssetChanges(taxonomy=[*asset.taxonomy, term.term])
            if term.kind == "taxonomy"
            else AssetChanges(tags=[*asset.tags, term.term])
        )
        asset = services.editor.edit(principal, asset_id, changes)
    elif not can_edit(principal, asset):
        raise Forbidden(f"you may not edit {asset_id!r}")
    services.suggester.record(asset_id, body.term, body.decision, principal.user_id)
    services.accounts.record(principal.user_id, f"suggestion.{body.decision}", f"asset:{asset_id}", {"term": body.term})
    return asset_detail(asset, date.today())


@router.patch("/{asset_id:path}", response_model=AssetDetail, summary="Edit an asset's metadata")
def edit(asset_id: str, changes: AssetChanges, principal: CurrentPrincipal, services: ServicesDep) -> AssetDetail:
    return asset_detail(services.editor.edit(principal, asset_id, changes), date.today())


@router.get("/{asset_id:path}", response_model=AssetDetail, summary="One asset's metadata")
def detail(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> AssetDetail:
    return asset_detail(services.store.get(asset_id, principal), date.today())


def _inside(root: Path, name: str) -> Path:
    """Resolve a stored file name under root, refusing anything that escapes it."""
    path = (root / name).resolve()
    if root.resolve() not in path.parents or not path.is_file():
        raise AssetNotFound("thumbnail not found")
    return path
