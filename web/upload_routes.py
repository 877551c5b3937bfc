"""The upload page: pick or drop images, describe them once, and see what became of each file.

Without JavaScript the form posts every file at once and the page comes back with one line per
file. With it (`static/upload.js`), each file is posted on its own, so each gets a progress bar
and a cancel button, and the server answers with that file's line only (the same partial). Both
paths call the upload desk, as the API does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from indexer.upload_desk import Incoming
from loupe_core.accounts.permissions import Permission, may
from loupe_core.principal import Principal
from search_api.deps import ServicesDep, requires
from web.errors import PageRoute
from web.rendering import render, render_variant
from web.search_form import SearchForm
from web.upload_form import UploadPageForm
from web.upload_outcomes import outcome_view

router = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)
Uploader = Annotated[Principal, requires(Permission.upload)]


def _context(principal: Principal, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "page_title": "Upload – Loupe",
        "form": SearchForm(),
        "values": values,
        "own_groups": ", ".join(sorted(principal.groups)),
        "may_allow_duplicate": may(principal, Permission.edit_any),
        "outcomes": [],
        **extra,
    }


@router.get("/upload")
def upload_page(request: Request, principal: Uploader) -> HTMLResponse:
    return render(request, "pages/upload.html", _context(principal, UploadPageForm().values()))


@router.post("/upload")
async def upload(
    request: Request, principal: Uploader, services: ServicesDep, form: Annotated[UploadPageForm, Form()]
) -> HTMLResponse:
    """Files are read from the parsed form: a file input left empty sends a part without a file name,
    which arrives as "" rather than a file (FastAPI's `list[UploadFile]` would refuse it as invalid)."""
    parts = (await request.form()).getlist("files")
    chosen = [Incoming(part.filename, part.file) for part in parts if isinstance(part, UploadFile)]
    outcomes = await run_in_threadpool(
        services.uploads.upload, principal, chosen, form.metadata(), form.allow_duplicate
    )
    context = _context(principal, form.values(), outcomes=[outcome_view(o) for o in outcomes])
    return render_variant(request, "pages/upload.html", "partials/_upload_outcomes.html", context)
