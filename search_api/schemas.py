"""Response bodies of the API (what OpenAPI documents); built from core result types."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from pydantic import BaseModel

from loupe_core.librarian.reports import LicenceWatchlist
from loupe_core.query import SearchMode, SearchResult
from loupe_core.schema import Asset, AssetStatus, FieldConflict, FieldEdit, LicenseState


class AssetSummary(BaseModel):
    id: str
    title: str
    description: str
    tags: list[str]
    taxonomy: list[str]
    status: AssetStatus
    file_type: str | None
    width: int | None
    height: int | None
    license_state: LicenseState
    thumbnail_url: str | None
    url: str


class AssetDetail(AssetSummary):
    filename: str
    owner: str | None
    groups: list[str]
    credit: str | None
    orientation: str | None
    sha256: str | None
    phash: str | None
    dhash: str | None
    bytes: int | None
    created_at: datetime | None
    indexed_at: datetime | None
    license_expires: date | None
    has_image_vector: bool
    has_text_vector: bool
    download_url: str
    provenance: dict[str, str]
    """Field -> where its value came from; `edited` values were set by a person and outrank every source."""
    edits: dict[str, FieldEdit]
    conflicts: dict[str, FieldConflict]


class Hit(BaseModel):
    asset: AssetSummary
    score: float
    highlights: dict[str, list[str]]


class Bucket(BaseModel):
    value: str
    count: int


class Suggestion(BaseModel):
    """A title completing what the user typed, of an asset the caller may open."""

    id: str
    title: str


class SearchResponse(BaseModel):
    total: int
    page: int
    size: int
    mode: SearchMode
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[Bucket]]
    notes: list[str]
    rescued: bool = False
    query_id: str | None = None


class LicenceReport(BaseModel):
    expired: list[AssetSummary]
    expiring: list[AssetSummary]
    days: int


def asset_path(asset_id: str) -> str:
    """URL path segment for an id; ids may hold `/` (relative file paths), routes use `:path`."""
    return quote(asset_id, safe="/")


def _summary_fields(asset: Asset, today: date) -> dict[str, object]:
    path = asset_path(asset.id)
    return {
        "id": asset.id,
        "title": asset.title,
        "description": asset.description,
        "tags": asset.tags,
        "taxonomy": asset.taxonomy,
        "status": asset.status,
        "file_type": asset.file_type,
        "width": asset.width,
        "height": asset.height,
        "license_state": asset.license_state(today),
        "thumbnail_url": f"/api/assets/{path}/thumbnail" if asset.thumbnail else None,
        "url": f"/assets/{path}",
    }


def asset_summary(asset: Asset, today: date) -> AssetSummary:
    return AssetSummary.model_validate(_summary_fields(asset, today))


def asset_detail(asset: Asset, today: date) -> AssetDetail:
    return AssetDetail.model_validate(
        {
            **_summary_fields(asset, today),
            **asset.model_dump(
                include={
                    "filename",
                    "owner",
                    "groups",
                    "credit",
                    "orientation",
                    "sha256",
                    "phash",
                    "dhash",
                    "bytes",
                    "created_at",
                    "indexed_at",
                    "license_expires",
                    "provenance",
                    "edits",
                    "conflicts",
                }
            ),
            "has_image_vector": asset.image_vector is not None,
            "has_text_vector": asset.text_vector is not None,
            "download_url": f"/api/assets/{asset_path(asset.id)}/file",
        }
    )


def licence_report(watchlist: LicenceWatchlist, today: date) -> LicenceReport:
    return LicenceReport(
        expired=[asset_summary(a, today) for a in watchlist.expired],
        expiring=[asset_summary(a, today) for a in watchlist.expiring],
        days=watchlist.days,
    )


def search_response(
    result: SearchResult, page: int, size: int, today: date, query_id: str | None = None
) -> SearchResponse:
    return SearchResponse(
        rescued=result.rescued,
        query_id=query_id,
        total=result.total,
        page=page,
        size=size,
        mode=result.mode,
        took_ms=round(result.took_ms, 2),
        hits=[Hit(asset=asset_summary(h.asset, today), score=h.score, highlights=h.highlights) for h in result.hits],
        facets={
            name.value: [Bucket(value=b.value, count=b.count) for b in buckets]
            for name, buckets in result.facets.items()
        },
        notes=result.notes,
    )
