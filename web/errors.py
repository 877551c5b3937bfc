"""HTML error pages for the web routes; the API's handlers keep answering JSON.

`search_api` installs app-wide handlers that turn every failure into a JSON body. Pages need
the same statuses as a readable page (or an htmx fragment), so web routes use `PageRoute`,
which catches failures inside the route before those handlers see them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from inspect import isawaitable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from loupe_core.errors import LoupeError, NotAuthenticated
from search_api.errors import STATUS_OF
from web.rendering import render_variant
from web.search_form import SearchForm

log = logging.getLogger("loupe.web")

HEADINGS = {
    400: "That request could not run",
    403: "Not allowed",
    404: "Not found",
    413: "That file is too large",
    422: "Some options are not valid",
    429: "Too many attempts",
    503: "Temporarily unavailable",
}
DEFAULT_HEADING = "Something went wrong"


def error_page(request: Request, status: int, messages: list[str]) -> HTMLResponse:
    """Keeps the typed text in the search box so the user can fix the search and retry."""
    heading = HEADINGS.get(status, DEFAULT_HEADING)
    context = {
        "page_title": f"{heading} – Loupe",
        "status": status,
        "heading": heading,
        "messages": messages,
        "form": SearchForm(q=request.query_params.get("q", "")),
    }
    return render_variant(request, "pages/error.html", "partials/_error.html", context, status_code=status)


def describe_validation(exc: RequestValidationError) -> list[str]:
    """`created_from: Input should be a valid date…` — the parameter name, then pydantic's reason."""
    messages = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = ".".join(location) or "request"
        messages.append(f"{name}: {error.get('msg', 'invalid value')}")
    return messages


def status_of(exc: LoupeError) -> int:
    """The API's single domain-error table, so pages and JSON never disagree on a status."""
    return next((status for kind, (status, _) in STATUS_OF.items() if isinstance(exc, kind)), 400)


def login_redirect(request: Request) -> Response:
    """Back to the same page after signing in; htmx needs `HX-Redirect` to leave the fragment."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(target, safe='')}"
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


class PageRoute(APIRoute):
    """A route whose failures render as HTML: parameter validation (422), domain errors and
    HTTP errors keep their status; anything unexpected is logged and shown as a 500 page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def render_failures(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticated:
                return login_redirect(request)
            except RequestValidationError as exc:
                return error_page(request, 422, describe_validation(exc))
            except LoupeError as exc:
                return error_page(request, status_of(exc), [str(exc)])
            except StarletteHTTPException as exc:
                return error_page(request, exc.status_code, [str(exc.detail)])
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.url.path)
                return error_page(request, 500, ["The error has been logged."])

        return render_failures


def install_page_not_found(app: FastAPI) -> None:
    """Unknown URLs that a browser opens get a 404 page; API paths and other clients keep JSON."""
    api_handler: Callable[[Request, Any], Response | Awaitable[Response]] = app.exception_handlers[
        StarletteHTTPException
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        missing = isinstance(exc, StarletteHTTPException) and exc.status_code == 404
        browser = "text/html" in request.headers.get("accept", "")
        if missing and browser and not request.url.path.startswith("/api/"):
            return error_page(request, 404, [f"Nothing lives at {request.url.path}."])
        response = api_handler(request, exc)
        return await response if isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, http_error)
