"""Editing one asset from its page: the inline metadata form and tag suggestions (accept/reject).

With htmx the form and the suggestion buttons swap the metadata block in place; without it
they are ordinary forms that post and redirect back to the asset page. Both call the same core
services as the JSON API (`AssetEditor`, `SuggestionDesk`), so permission checks, vocabulary
lookup and audit stay in one place.

The form carries the version it was filled from. If someone saved the asset meanwhile, the
form comes back (409) with what you typed, the values now saved beside yours, and the new
version: saving again keeps yours, deliberately.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from loupe_core.accounts.permissions import Permission, may
from loupe_core.errors import VersionConflict
from loupe_core.librarian.suggestions import Decision
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.schemas import asset_path
from web.asset_view import asset_view
from web.errors import PageRoute
from web.forms import AssetEditForm, edit_form_values
from web.rendering import render, render_variant, wants_fragment
from web.search_form import SearchForm

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _panel(asset: Asset, principal: Principal, heading: str, panel: str, **extra: Any) -> dict[str, Any]:
    """Context for a panel shown in place with htmx, or alone on a page (pages/panel.html) without."""
    view = asset_view(asset, principal)
    return {
        **view,
        "page_title": f"{heading} – Loupe",
        "form": SearchForm(),
        "heading": heading,
        "panel": panel,
        "back_url": view["asset"].url,
        **extra,
    }


def _edit_panel(
    asset: Asset,
    principal: Principal,
    version: str,
    values: dict[str, str],
    theirs: dict[str, str] | None = None,
) -> dict[str, Any]:
    return _panel(
        asset,
        principal,
        "Edit metadata",
        "partials/_asset_edit.html",
        statuses=list(AssetStatus),
        version=version,
        values=values,
        theirs=theirs or {},
        may_hand_over=may(principal, Permission.edit_any),
    )


@router.get("/assets/{asset_id:path}/edit")
def edit_form(asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    current = services.editor.editable(principal, asset_id)
    context = _edit_panel(current.asset, principal, current.version, edit_form_values(current.asset))
    return render_variant(request, "pages/panel.html", "partials/_asset_edit.html", context)


@router.post("/assets/{asset_id:path}/edit")
def save(
    asset_id: str,
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    form: Annotated[AssetEditForm, Form()],
) -> Response:
    try:
        saved = services.editor.edit(principal, asset_id, form.changes(), form.version or None)
    except VersionConflict as exc:
        current = services.editor.editable(principal, asset_id)
        now_saved = edit_form_values(current.asset)
        theirs = {name: now_saved[name] for name in exc.fields if name in now_saved}
        context = _edit_panel(current.asset, principal, current.version, form.values(), theirs)
        return render_variant(request, "pages/panel.html", "partials/_asset_edit.html", context, status_code=409)
    view = asset_view(saved.asset, principal)
    if wants_fragment(request):
        return render(request, "partials/_asset_saved.html", {**view, "oob": False})
    return RedirectResponse(view["asset"].url, status_code=303)


@router.get("/assets/{asset_id:path}/suggestions")
def suggestion_panel(
    asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> HTMLResponse:
    asset = services.store.get(asset_id, principal)
    found = services.suggestion_desk.suggestions(principal, asset_id)
    context = _panel(asset, principal, "Suggested tags", "partials/_suggestions.html", suggestions=found)
    return render_variant(request, "pages/panel.html", "partials/_suggestions.html", context)


@router.post("/assets/{asset_id:path}/suggestions")
def decide(
    asset_id: str,
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    term: Annotated[str, Form(max_length=200)],
    decision: Annotated[Decision, Form()],
) -> Response:
    """Accepting adds the term (as a tag or a category) through the editor; both are remembered."""
    asset = services.suggestion_desk.decide(principal, asset_id, term, decision)
    if not wants_fragment(request):
        return RedirectResponse(f"/assets/{asset_path(asset_id)}", status_code=303)
    found = services.suggestion_desk.suggestions(principal, asset_id)
    context = {**asset_view(asset, principal), "suggestions": found, "oob": True}
    return render(request, "partials/_suggestions_decided.html", context)
