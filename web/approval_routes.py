"""The approval queue as a page: each draft with approve, or reject with a reason.

Plain forms that post and redirect back with a notice (no JavaScript needed, a reload repeats
nothing), calling the approval desk that the JSON API calls, which checks and audits.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from loupe_core.librarian.approvals import MAX_REASON
from search_api.deps import Librarian, ServicesDep
from search_api.schemas import asset_summary
from web.errors import PageRoute
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/approvals", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
PAGE = "/librarian/approvals"


class ApproveForm(BaseModel):
    asset_id: str = Field(min_length=1, max_length=512)


class RejectForm(ApproveForm):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


@router.get("")
def approvals_page(
    request: Request, principal: Librarian, services: ServicesDep, notice: str | None = None
) -> HTMLResponse:
    queue = services.approvals.queue(principal)
    today = date.today()
    context = {
        "page_title": "Approvals – Loupe",
        "form": SearchForm(),
        "total": queue.total,
        "rows": [(asset_summary(a, today), a) for a in queue.drafts],
        "notice": notice_text(notice),
    }
    return render(request, "pages/librarian_approvals.html", context)


@router.post("/approve")
def approve(principal: Librarian, services: ServicesDep, form: Annotated[ApproveForm, Form()]) -> RedirectResponse:
    services.approvals.approve(principal, form.asset_id)
    return redirect_with_notice(PAGE, "approved")


@router.post("/reject")
def reject(principal: Librarian, services: ServicesDep, form: Annotated[RejectForm, Form()]) -> RedirectResponse:
    services.approvals.reject(principal, form.asset_id, form.reason)
    return redirect_with_notice(PAGE, "rejected")
