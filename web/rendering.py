"""Renders templates, choosing the htmx fragment or the full page from the request headers."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from search_api.auth import csrf_subject, optional_principal
from web.navigation import header_links, section_tabs

VARY = "HX-Request, HX-History-Restore-Request"
"""Caches must key on both: the same URL answers with a fragment or a page depending on them."""


def wants_fragment(request: Request) -> bool:
    """htmx asks for fragments, except when it restores history after a cache miss: it sends
    `HX-Request` then too (htmx 2 default) but swaps the response in as the whole body."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"


def session_context(request: Request) -> dict[str, Any]:
    """Who is signed in, their CSRF token (for every state-changing form) and the links their role may use."""
    services = request.app.state.services
    principal = optional_principal(request, services)
    subject = csrf_subject(request, services)
    path = request.url.path
    return {
        "viewer": principal,
        "csrf_token": services.cookies.csrf_token(subject) if subject else "",
        "nav": header_links(principal, path),
        "tabs": section_tabs(principal, path),
    }


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, {**session_context(request), **context}, status_code=status_code
    )


def render_variant(
    request: Request, page: str, fragment: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """The fragment for htmx, else the page (which includes the same fragment), with `Vary`."""
    as_fragment = wants_fragment(request)
    response = render(
        request, fragment if as_fragment else page, {**context, "fragment": as_fragment}, status_code=status_code
    )
    response.headers["Vary"] = VARY
    return response
