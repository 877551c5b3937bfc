"""Search-box autocomplete as `<option>`s for the form's `<datalist>`: the browser shows them as you type.

htmx fetches them (no custom script); without JavaScript the box is a plain search field.
Completions come from the same service as `GET /api/search/suggest`, under the caller's permissions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from search_api.deps import CurrentPrincipal, ServicesDep
from web.errors import PageRoute
from web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)
SHOWN = 8


@router.get("/suggest")
def suggest_options(
    request: Request,
    services: ServicesDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    completions = services.autocomplete.complete(q, principal, SHOWN) if q.strip() else []
    return render(request, "partials/_suggest_options.html", {"completions": completions})
