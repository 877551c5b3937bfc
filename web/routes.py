"""The discover pages: search with facets, and search by an uploaded image.

Routes parse nothing themselves: `SearchQueryDep` builds the core `Query` exactly as the JSON
API does, and results go through the API's response builders so URLs are made in one place.
Searches (text and image) are logged like API searches, and their `query_id` rides on the
result grid so `loupe.js` can report which result was opened.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse

from loupe_core.accounts.permissions import Permission, may
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.image_search import search_uploaded_image
from search_api.params import SearchQueryDep
from search_api.schemas import search_response
from search_api.search_logging import record_search
from web.chips import active_chips, clear_filters_url
from web.colour_filter import colour_form
from web.errors import PageRoute
from web.facets import facet_groups
from web.match_reasons import match_reason
from web.pagination import paginate
from web.query_string import QueryString
from web.rendering import render_variant
from web.search_form import SearchForm
from web.suggested_terms import suggested_terms
from web.text_filter import text_in_image_form

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def discover(
    request: Request, query: SearchQueryDep, services: ServicesDep, principal: CurrentPrincipal
) -> HTMLResponse:
    found = services.search.search(query, collapse=request.query_params.get("collapse") != "none")
    query_id = record_search(request, services, principal, query, found)
    result = search_response(found, query.page, query.size, date.today(), query_id, principal=principal, explain=True)
    qs = QueryString.of(request.query_params)
    stuck = bool(query.text) and (result.rescued or result.total == 0)
    context = {
        "page_title": f"{query.text} – Loupe" if query.text else "Discover – Loupe",
        "form": SearchForm(q=qs.first("q"), mode=query.mode, sort=query.sort, carried=tuple(qs.carried()), live=True),
        "result": result,
        "facets": facet_groups(result.facets, query.filters, qs),
        "colour": colour_form(query.filters, qs),
        "text_in_image": text_in_image_form(query.filters, qs),
        "chips": active_chips(query.filters, qs),
        "clear_url": clear_filters_url(qs),
        "first_page_url": qs.with_page(1),
        "here_url": qs.with_page(query.page),
        "uncollapsed_url": qs.with_values("collapse", ["none"]),
        "pagination": paginate(result.total, query.page, query.size, qs),
        "suggestions": suggested_terms(services, query.text) if stuck else [],
        "can_bulk_edit": may(principal, Permission.edit_any),
        "collect": None if principal.is_guest else services.collections.editable(principal),
        "save_search_action": None if principal.is_guest else "/saved-searches" + qs.without(()).removeprefix("/"),
        "reasons": {hit.asset.id: match_reason(hit) for hit in result.hits},
    }
    return render_variant(request, "pages/discover.html", "partials/_results.html", context)


@router.post("/search/image")
async def image_search(
    request: Request,
    query: SearchQueryDep,
    services: ServicesDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """The no-JS upload form posts here; with JS the same form is posted by htmx (pick, drop or paste)."""
    found, query_id = await search_uploaded_image(request, services, principal, query, file)
    context = {
        "page_title": "Search by image – Loupe",
        "form": SearchForm(live=True),
        "result": search_response(found, query.page, query.size, date.today(), query_id, principal=principal),
        "filename": file.filename or "your image",
    }
    return render_variant(request, "pages/image_results.html", "partials/_image_results.html", context)
