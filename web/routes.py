"""The HTML pages: discover (search + facets), one asset, and "more like this".

Routes parse nothing themselves: `SearchQueryDep` builds the core `Query` exactly as the JSON
API does, and results go through the API's response builders so URLs are made in one place.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from loupe_core.errors import EncoderUnavailable
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import SearchQueryDep
from search_api.schemas import asset_detail, asset_path, search_response
from web.chips import active_chips, clear_filters_url
from web.errors import PageRoute
from web.facets import facet_groups
from web.filter_params import LICENSE_LABELS
from web.pagination import paginate
from web.query_string import QueryString
from web.rendering import render, render_variant
from web.search_form import SearchForm

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def discover(request: Request, query: SearchQueryDep, services: ServicesDep) -> HTMLResponse:
    result = search_response(services.search.search(query), query.page, query.size, date.today())
    qs = QueryString.of(request.query_params)
    context = {
        "page_title": f"{query.text} – Loupe" if query.text else "Discover – Loupe",
        "form": SearchForm(q=qs.first("q"), mode=query.mode, sort=query.sort, carried=tuple(qs.carried()), live=True),
        "result": result,
        "facets": facet_groups(result.facets, query.filters, qs),
        "chips": active_chips(query.filters, qs),
        "clear_url": clear_filters_url(qs),
        "first_page_url": qs.with_page(1),
        "pagination": paginate(result.total, query.page, query.size, qs),
    }
    return render_variant(request, "pages/discover.html", "partials/_results.html", context)


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


@router.get("/assets/{asset_id:path}")
def asset_page(asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    asset = services.store.get(asset_id, principal)
    detail = asset_detail(asset, date.today())
    context = {
        "page_title": f"{detail.title or detail.id} – Loupe",
        "asset": detail,
        "downloadable": bool(asset.path),
        "license_labels": LICENSE_LABELS,
        "form": SearchForm(),
    }
    return render(request, "pages/asset.html", context)
