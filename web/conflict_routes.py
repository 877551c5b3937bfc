"""The conflicts page: edited fields whose sources changed since, with "keep edit" and "take source".

Each decision is a plain form that posts and redirects back with a notice, so the page works
without JavaScript and a reload never repeats a decision. Both call the same core service as
the JSON API (`ConflictDesk`), which audits them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from loupe_core.curation import Resolution
from search_api.deps import Librarian, ServicesDep
from search_api.schemas import asset_path
from web.asset_metadata import stored_value_text
from web.errors import PageRoute
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/conflicts", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
PAGE = "/librarian/conflicts"


class ResolveForm(BaseModel):
    asset_id: str = Field(min_length=1, max_length=512)
    field: str = Field(min_length=1, max_length=100)
    resolution: Resolution


@router.get("")
def conflicts_page(
    request: Request, principal: Librarian, services: ServicesDep, notice: str | None = None
) -> HTMLResponse:
    rows = [
        {
            "row": row,
            "url": f"/assets/{asset_path(row.asset_id)}",
            "edited": stored_value_text(row.edited_value),
            "source_value": stored_value_text(row.source_value),
        }
        for row in services.conflicts.list(principal)
    ]
    context = {
        "page_title": "Conflicts – Loupe",
        "form": SearchForm(),
        "rows": rows,
        "notice": notice_text(notice),
    }
    return render(request, "pages/librarian_conflicts.html", context)


@router.post("/resolve")
def resolve(principal: Librarian, services: ServicesDep, form: Annotated[ResolveForm, Form()]) -> RedirectResponse:
    services.conflicts.resolve(principal, form.asset_id, form.field, form.resolution)
    return redirect_with_notice(PAGE, f"conflict-{form.resolution.value}")
