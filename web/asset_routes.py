"""One asset: its page, large preview, "more like this" and (for librarians) its duplicates.

Registered after `asset_edit_routes`: `/assets/{id:path}` would otherwise swallow `/edit`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from loupe_core.errors import EncoderUnavailable
from loupe_core.librarian.clusters import duplicate_clusters
from loupe_core.librarian.duplicates import DuplicateQueue
from search_api.deps import CurrentPrincipal, Librarian, ServicesDep
from search_api.params import SearchQueryDep
from search_api.schemas import asset_path, asset_summary, search_response
from web.asset_view import asset_view
from web.errors import PageRoute
from web.rendering import render, render_variant
from web.search_form import SearchForm

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/assets/{asset_id:path}/similar")
def similar(asset_id: str, request: Request, query: SearchQueryDep, services: ServicesDep) -> HTMLResponse:
    """An asset without embeddings has nothing to compare: on a page that is a note, not an error."""
    context = {
        "page_title": "More like this – Loupe",
        "asset_url": f"/assets/{asset_path(asset_id)}",
        "form": SearchForm(),
        "hits": [],
        "notes": [],
    }
    try:
        found = services.search.similar(asset_id, query.model_copy(update={"facets": ()}))
    except EncoderUnavailable as exc:
        context["notes"] = [str(exc)]
    else:
        shown = search_response(found, query.page, query.size, date.today())
        context.update(hits=shown.hits, notes=shown.notes)
    return render_variant(request, "pages/similar.html", "partials/_similar.html", context)


@router.get("/assets/{asset_id:path}/preview", response_class=FileResponse)
def preview(asset_id: str, principal: CurrentPrincipal, services: ServicesDep, download: bool = False) -> FileResponse:
    """The large WebP rendition (the API serves thumbnails and originals, pages want this size).

    Shown on the asset page it is part of a view; `download=true` saves it, and counts as a download."""
    asset = services.store.get(asset_id, principal)
    path = services.files.preview(asset)
    headers = {"Cache-Control": "private, max-age=3600"}
    if not download:
        return FileResponse(path, media_type="image/webp", headers=headers)
    services.usage.used(principal, asset.id, "download", "preview")
    name = f"{Path(asset.filename or asset.id).stem or 'preview'}-preview.webp"
    return FileResponse(path, media_type="image/webp", headers=headers, filename=name)


@router.get("/assets/{asset_id:path}/duplicates")
def duplicates(asset_id: str, request: Request, services: ServicesDep, principal: Librarian) -> HTMLResponse:
    """Clusters from every queue that hold this asset (from the last duplicate scan)."""
    asset = services.store.get(asset_id, principal)
    found = []
    for queue in DuplicateQueue:
        for cluster in duplicate_clusters(services.store, services.librarian_db, queue, principal):
            others = [m for m in cluster.members if m.id != asset.id]
            if len(others) < len(cluster.members):
                found.append((queue, [asset_summary(m, date.today()) for m in others]))
    context = {
        "page_title": "Possible duplicates – Loupe",
        "form": SearchForm(),
        "heading": "Possible duplicates",
        "panel": "partials/_asset_duplicates.html",
        "back_url": f"/assets/{asset_path(asset_id)}",
        "clusters": found,
    }
    return render_variant(request, "pages/panel.html", "partials/_asset_duplicates.html", context)


@router.get("/assets/{asset_id:path}")
def asset_page(asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    asset = services.store.get(asset_id, principal)
    if request.headers.get("HX-Request") != "true":
        services.usage.used(principal, asset.id, "view", "page")
    view = asset_view(asset, principal)
    context = {
        **view,
        "page_title": f"{asset.title or asset.id} – Loupe",
        "form": SearchForm(),
        "asset_collections": None if principal.is_guest else services.collections.holding(principal, asset.id),
    }
    return render(request, "pages/asset.html", context)
