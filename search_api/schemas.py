"""Response bodies of the API (what OpenAPI documents); built from core result types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel

from loupe_core.autocomplete import Completion
from loupe_core.principal import Principal, Role
from loupe_core.query import SearchHit, SearchMode, SearchResult
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


class Evidence(BaseModel):
    """Where a hit stood in one ranked list: rank (1 = best) and that list's score (BM25 for
    `keyword`, on the backend's own scale; cosine for a vector field)."""

    rank: int
    score: float
    cleared_floor: bool


class Hit(BaseModel):
    asset: AssetSummary
    score: float
    highlights: dict[str, list[str]]
    """Field -> the matched words marked with `<mark>`, HTML-escaped. `ocr_text` is text read in the image:
    a fragment of a few words around the match (… where cut), which pages show as "text in image: …"."""
    evidence: dict[str, Evidence] | None = None
    """With `explain=true`: per ranked list (`keyword`, `image_vector`, `text_vector`)."""
    copies: list[AssetSummary] = []
    """With `collapse=duplicates`: this hit's exact and visual duplicates in the result, folded into it."""
    pinned_by: str | None = None
    """Placed here by the librarians' curation rule with this id, not ranked by relevance."""


class Bucket(BaseModel):
    value: str
    count: int


class Suggestion(BaseModel):
    """A completion of what the user typed: a title of an asset the caller may open (`id`, `title`),
    or a popular past query that finds something for this caller (`kind=query`)."""

    kind: Literal["title", "query"]
    text: str
    id: str | None = None
    title: str | None = None


class SearchResponse(BaseModel):
    total: int
    page: int
    size: int
    mode: SearchMode
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[Bucket]]
    notes: list[str]
    notices: list[str] = []
    """Operational notices (a model missing, a degraded backend): admins and librarians only."""
    rescued: bool = False
    query_id: str | None = None
    floors: dict[str, float] | None = None
    """With `explain=true`: the minimum cosine per vector field a hit found only by meaning needed."""
    total_uncollapsed: int | None = None
    """With `collapse=duplicates`: the number of results before duplicates were folded (`total`: after)."""


NOTICE_ROLES = frozenset({Role.admin, Role.librarian})


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


def _hit(hit: SearchHit, copies: dict[str, Asset], today: date, explain: bool) -> Hit:
    evidence = {name: Evidence.model_validate(e.model_dump()) for name, e in hit.evidence.items()} if explain else None
    return Hit(
        asset=asset_summary(hit.asset, today),
        score=hit.score,
        highlights=hit.highlights,
        evidence=evidence,
        copies=[asset_summary(copies[i], today) for i in hit.copies if i in copies],
        pinned_by=hit.pinned_by,
    )


def suggestion(completion: Completion) -> Suggestion:
    if completion.kind == "title":
        return Suggestion(kind="title", text=completion.text, id=completion.asset_id, title=completion.text)
    return Suggestion(kind="query", text=completion.text)


def search_response(
    result: SearchResult,
    page: int,
    size: int,
    today: date,
    query_id: str | None = None,
    *,
    principal: Principal | None = None,
    explain: bool = False,
) -> SearchResponse:
    """`principal`: who reads it; operational notices go to those who run the library only."""
    return SearchResponse(
        rescued=result.rescued,
        query_id=query_id,
        total=result.total,
        page=page,
        size=size,
        mode=result.mode,
        took_ms=round(result.took_ms, 2),
        hits=[_hit(h, result.copies, today, explain) for h in result.hits],
        facets={
            name.value: [Bucket(value=b.value, count=b.count) for b in buckets]
            for name, buckets in result.facets.items()
        },
        notes=result.notes,
        notices=result.notices if principal is not None and principal.role in NOTICE_ROLES else [],
        floors={field.value: floor for field, floor in result.floors.items()} if explain else None,
        total_uncollapsed=result.total_uncollapsed,
    )
