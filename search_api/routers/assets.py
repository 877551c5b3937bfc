"""One asset: detail, "more like this", its thumbnail and its original file (all permission-checked)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from loupe_core.errors import AssetNotFound
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


@router.get("/{asset_id:path}", response_model=AssetDetail, summary="One asset's metadata")
def detail(asset_id: str, principal: CurrentPrincipal, services: ServicesDep) -> AssetDetail:
    return asset_detail(services.store.get(asset_id, principal), date.today())


def _inside(root: Path, name: str) -> Path:
    """Resolve a stored file name under root, refusing anything that escapes it."""
    path = (root / name).resolve()
    if root.resolve() not in path.parents or not path.is_file():
        raise AssetNotFound("thumbnail not found")
    return path
