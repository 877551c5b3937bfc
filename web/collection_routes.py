"""Collections as pages: the list, one collection's grid, and the forms that create, fill, share and delete.

Plain forms that redirect (303) after each change, so everything works without JavaScript; each
route calls one `CollectionService` method, the same the JSON API calls. The ZIP is the API's
download URL (the session cookie signs the browser in there too).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from loupe_core.asset_collections.access import Access
from loupe_core.asset_collections.store import ShareRole
from loupe_core.principal import Principal
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.params import MAX_PAGE
from search_api.schemas import search_response
from search_api.services import Services
from web.auth_routes import safe_next
from web.collection_forms import NEW_COLLECTION, NEW_COLLECTION_NAME, CollectionForm, SelectionForm, ShareForm
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/collections", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
PAGE_SIZE = 48


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("")
def collections_page(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    context = {
        "page_title": "Collections – Loupe",
        "form": SearchForm(),
        "views": services.collections.readable(principal),
        "can_create": not principal.is_guest,
    }
    return render(request, "pages/collections.html", context)


@router.post("")
def create(
    principal: CurrentPrincipal, services: ServicesDep, form: Annotated[CollectionForm, Form()]
) -> RedirectResponse:
    created = services.collections.create(principal, form.name, form.description)
    return _see(f"/collections/{created.id}")


@router.post("/add")
def add_selection(
    principal: CurrentPrincipal, services: ServicesDep, form: Annotated[SelectionForm, Form()]
) -> RedirectResponse:
    """From the results grid or an asset page: into the chosen collection, or a new one; then show it."""
    target = form.collection
    if target in ("", NEW_COLLECTION):
        target = services.collections.create(principal, NEW_COLLECTION_NAME).id
    services.collections.add(principal, target, form.ids)
    return _see(f"/collections/{target}")


@router.get("/{collection_id}")
def collection_page(
    collection_id: str,
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    found = services.collections.page(principal, collection_id, page, PAGE_SIZE)
    view = found.view
    here = f"/collections/{collection_id}"
    context = {
        "page_title": f"{view.collection.name} – Loupe",
        "form": SearchForm(),
        "view": view,
        "result": search_response(found.result, page, PAGE_SIZE, date.today(), principal=principal),
        "here_url": f"{here}?page={page}" if page > 1 else here,
        "previous_url": f"{here}?page={page - 1}" if page > 1 else None,
        "next_url": f"{here}?page={page + 1}" if page * PAGE_SIZE < found.result.total and page < MAX_PAGE else None,
        "search_url": f"/?collection={collection_id}",
        "download_url": f"/api/collections/{collection_id}/download",
        "can_edit": view.access >= Access.editor,
        "can_manage": view.access is Access.owner,
        "share_rows": _share_rows(services, principal, view.collection.shares) if view.access is Access.owner else [],
    }
    return render(request, "pages/collection.html", context)


def _share_rows(services: Services, principal: Principal, shares: dict[str, ShareRole]) -> list[tuple[str, str]]:
    """Every group the owner could share with, and its current role ("" = not shared)."""
    groups = sorted({name for name, _ in services.accounts.groups()} | set(shares))
    return [(group, shares[group].value if group in shares else "") for group in groups]


@router.post("/{collection_id}")
def describe(
    collection_id: str, principal: CurrentPrincipal, services: ServicesDep, form: Annotated[CollectionForm, Form()]
) -> RedirectResponse:
    services.collections.describe(principal, collection_id, form.name, form.description)
    return _see(f"/collections/{collection_id}")


@router.post("/{collection_id}/shares")
def share(
    collection_id: str, principal: CurrentPrincipal, services: ServicesDep, form: Annotated[ShareForm, Form()]
) -> RedirectResponse:
    services.collections.share(principal, collection_id, form.shares())
    return _see(f"/collections/{collection_id}")


@router.post("/{collection_id}/remove")
def remove(
    collection_id: str, principal: CurrentPrincipal, services: ServicesDep, form: Annotated[SelectionForm, Form()]
) -> RedirectResponse:
    services.collections.remove(principal, collection_id, form.ids)
    return _see(safe_next(form.return_to) if form.return_to else f"/collections/{collection_id}")


@router.post("/{collection_id}/delete")
def delete(collection_id: str, principal: CurrentPrincipal, services: ServicesDep) -> RedirectResponse:
    services.collections.delete(principal, collection_id)
    return _see("/collections")
