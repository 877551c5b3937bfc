"""Librarian › Retirement: published assets nobody viewed or downloaded in N days, retired in bulk.

The list and the retirement go through `RetirementCandidates` (the JSON API's service too); each
retirement is an audited status change, and the bulk report says what happened to each asset.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from search_api.deps import Librarian, ServicesDep
from web.errors import PageRoute
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/retirement", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
SHOWN = 500


@router.get("")
def retirement_page(
    request: Request, principal: Librarian, services: ServicesDep, days: Annotated[int, Query(ge=1, le=3650)] = 365
) -> HTMLResponse:
    found = services.retirement.candidates(principal, days, date.today())
    context = {
        "page_title": "Retirement candidates – Loupe",
        "form": SearchForm(),
        "days": days,
        "total": len(found),
        "assets": found[:SHOWN],
        "csv_url": f"/api/librarian/retirement-candidates?days={days}&format=csv",
    }
    return render(request, "pages/librarian_retirement.html", context)


@router.post("")
def retire_selected(
    request: Request, principal: Librarian, services: ServicesDep, ids: Annotated[list[str], Form(max_length=10_000)]
) -> HTMLResponse:
    report = services.retirement.retire(principal, ids)
    context = {
        "page_title": "Retired – Loupe",
        "form": SearchForm(),
        "report": report,
        "return_to": "/librarian/retirement",
    }
    return render(request, "pages/bulk_report.html", context)
