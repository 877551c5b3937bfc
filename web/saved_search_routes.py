"""Saved searches as pages: the list with "N new" badges, and the forms that save, rename, delete and run.

"Save this search" posts to `/saved-searches?<the search's own query string>`, so the search is read
by the same `search_query` dependency as the discover page. "Run" resets the count and redirects to
the discover page with the saved parameters: the results are the ordinary, linkable search.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from loupe_core.saved_searches.saved_query import SavedQuery
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import SearchQueryDep
from search_api.search_parameters import search_query_string
from web.collection_forms import SavedSearchForm
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/saved-searches", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
LIST = "/saved-searches"


def discover_url(saved: SavedQuery) -> str:
    query_string = search_query_string(saved)
    return f"/?{query_string}" if query_string else "/"


@router.get("")
def saved_searches_page(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    statuses = services.saved_searches.statuses(principal)
    context = {
        "page_title": "Saved searches – Loupe",
        "form": SearchForm(),
        "statuses": statuses,
        "links": {status.saved.id: discover_url(status.saved.query) for status in statuses},
    }
    return render(request, "pages/saved_searches.html", context)


@router.post("")
def save(
    query: SearchQueryDep,
    principal: CurrentPrincipal,
    services: ServicesDep,
    form: Annotated[SavedSearchForm, Form()],
    collection: Annotated[str | None, Query(max_length=64)] = None,
) -> RedirectResponse:
    services.saved_searches.save(principal, form.name, SavedQuery.of(query, collection))
    return RedirectResponse(LIST, status_code=303)


@router.post("/{saved_id}/run")
def run(saved_id: str, principal: CurrentPrincipal, services: ServicesDep) -> RedirectResponse:
    saved = services.saved_searches.start_run(principal, saved_id)
    return RedirectResponse(discover_url(saved.query), status_code=303)


@router.post("/{saved_id}")
def rename(
    saved_id: str, principal: CurrentPrincipal, services: ServicesDep, form: Annotated[SavedSearchForm, Form()]
) -> RedirectResponse:
    services.saved_searches.rename(principal, saved_id, form.name)
    return RedirectResponse(LIST, status_code=303)


@router.post("/{saved_id}/delete")
def delete(saved_id: str, principal: CurrentPrincipal, services: ServicesDep) -> RedirectResponse:
    services.saved_searches.delete(principal, saved_id)
    return RedirectResponse(LIST, status_code=303)
