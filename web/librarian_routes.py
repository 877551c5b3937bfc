"""Librarian reports as pages: incomplete metadata, licences, and bulk edits from the discover grid.

Each page calls the librarian-reports service that the JSON API calls for the same report, so the
page, the JSON and the CSV download (linked from the page) always list the same assets.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from loupe_core.librarian.completeness import RequiredField
from loupe_core.librarian.licence_watchlist import LICENCE_PAGE_SIZE
from search_api.deps import Editor, Librarian, ServicesDep
from search_api.licence_report import LicenceDays, LicencePage, LicencePageSize, licence_report
from search_api.schemas import asset_summary
from web.auth_routes import safe_next
from web.errors import PageRoute
from web.forms import BulkEditForm
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian", route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse
)
SHOWN = 200
"""Rows a report page lists; the CSV download has them all."""
OptionalText = Annotated[str, Query(max_length=200)]
INCOMPLETE = "/librarian/incomplete"


@router.get("/incomplete")
def incomplete_page(
    request: Request,
    principal: Librarian,
    services: ServicesDep,
    field: RequiredField | None = None,
    owner: OptionalText = "",
    group: OptionalText = "",
) -> HTMLResponse:
    report = services.librarian_reports.incomplete(principal, field, owner or None, group or None)
    scope = {k: v for k, v in (("owner", owner), ("group", group)) if v}
    today = date.today()
    context = {
        "page_title": "Incomplete metadata – Loupe",
        "form": SearchForm(),
        "report": report,
        "rows": [(asset_summary(i.asset, today), i.asset.owner, i.missing) for i in report.assets[:SHOWN]],
        "field": field,
        "owner": owner,
        "group": group,
        "field_urls": {f: f"{INCOMPLETE}?{urlencode({**scope, 'field': f.value})}" for f in report.counts},
        "all_url": f"{INCOMPLETE}?{urlencode(scope)}",
        "csv_url": "/api/librarian/incomplete?"
        + urlencode({**scope, **({"field": field.value} if field else {}), "format": "csv"}),
        "shown": SHOWN,
    }
    return render(request, "pages/librarian_incomplete.html", context)


@router.get("/licences")
def licences_page(
    request: Request,
    principal: Librarian,
    services: ServicesDep,
    days: LicenceDays = 30,
    page: LicencePage = 1,
    size: LicencePageSize = LICENCE_PAGE_SIZE,
) -> HTMLResponse:
    """One page of each list, with both totals; the pager walks them together, the CSV has every asset."""
    report = licence_report(services.librarian_reports.licences(principal, days, page, size), date.today())

    def page_url(number: int) -> str:
        return f"/librarian/licences?{urlencode({'days': days, 'page': number, 'size': size})}"

    context = {
        "page_title": "Licences – Loupe",
        "form": SearchForm(),
        "report": report,
        "first": (page - 1) * size + 1,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < report.pages else None,
        "csv_url": f"/api/librarian/licences?{urlencode({'days': days, 'format': 'csv'})}",
    }
    return render(request, "pages/librarian_licences.html", context)


@router.post("/bulk")
def bulk_page(
    request: Request, principal: Editor, services: ServicesDep, form: Annotated[BulkEditForm, Form()]
) -> HTMLResponse:
    """Every selected asset is tried; the report says which changed and which were refused."""
    report = services.editor.bulk(principal, form.edit())
    context = {
        "page_title": "Bulk edit – Loupe",
        "form": SearchForm(),
        "report": report,
        "return_to": safe_next(form.return_to),
    }
    return render(request, "pages/bulk_report.html", context)
