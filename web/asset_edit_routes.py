"""Editing one asset from its page: the inline metadata form and tag suggestions (accept/reject).

With htmx the form and the suggestion buttons swap the metadata block in place; without it
they are ordinary forms that post and redirect back to the asset page. Decisions go through
the JSON API's own handler, so permission checks, vocabulary lookup and audit stay in one place.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from loupe_core.errors import Forbidden
from loupe_core.librarian.editing import can_edit
from loupe_core.librarian.suggestions import Decision
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.routers.assets import SuggestionDecision, decide_suggestion, suggestions
from search_api.services import Services
from web.asset_view import asset_view
from web.errors import PageRoute
from web.forms import AssetEditForm, build
from web.rendering import render, render_variant, wants_fragment
from web.search_form import SearchForm

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _editable(services: Services, principal: Principal, asset_id: str) -> Asset:
    asset = services.store.get(asset_id, principal)
    if not can_edit(principal, asset):
        raise Forbidden(f"you may not edit {asset_id!r}")
    return asset


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


@router.get("/assets/{asset_id:path}/edit")
def edit_form(asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep) -> HTMLResponse:
    asset = _editable(services, principal, asset_id)
    context = _panel(asset, principal, "Edit metadata", "partials/_asset_edit.html", statuses=list(AssetStatus))
    return render_variant(request, "pages/panel.html", "partials/_asset_edit.html", context)


@router.post("/assets/{asset_id:path}/edit")
def save(
    asset_id: str,
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    form: Annotated[AssetEditForm, Form()],
) -> Response:
    view = asset_view(services.editor.edit(principal, asset_id, form.changes()), principal)
    if wants_fragment(request):
        return render(request, "partials/_asset_saved.html", {**view, "oob": False})
    return RedirectResponse(view["asset"].url, status_code=303)


@router.get("/assets/{asset_id:path}/suggestions")
def suggestion_panel(
    asset_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> HTMLResponse:
    asset = services.store.get(asset_id, principal)
    found = suggestions(asset_id, principal, services)
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
    body = build(lambda: SuggestionDecision(term=term, decision=decision))
    detail = decide_suggestion(asset_id, body, principal, services)
    if not wants_fragment(request):
        return RedirectResponse(detail.url, status_code=303)
    asset = services.store.get(asset_id, principal)
    context = {**asset_view(asset, principal), "suggestions": suggestions(asset_id, principal, services), "oob": True}
    return render(request, "partials/_suggestions_decided.html", context)
