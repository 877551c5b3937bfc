"""Uploading images: `POST /api/assets`, multipart, one or many files with the metadata for all of them.

The upload desk (`indexer.upload_desk`) does the work; this route reads the form, hands the
files over one by one and renders the outcomes (`search_api.upload_report`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from indexer.upload_desk import Incoming, UploadMetadata
from loupe_core.errors import InvalidQuery
from search_api.deps import CurrentPrincipal, ServicesDep
from search_api.errors import ErrorBody
from search_api.upload_report import UploadReport, upload_report

router = APIRouter(prefix="/api/assets", tags=["assets"])
Listed = Annotated[list[str] | None, Form(description="Repeat the field for several values")]
Text = Annotated[str | None, Form(max_length=20_000)]

_DESCRIBED: dict[int | str, dict[str, Any]] = {
    207: {"model": UploadReport, "description": "Some files were stored, others refused: each has its own status"},
    **{
        status: {"model": UploadReport | ErrorBody, "description": f"{description}; or the request itself was refused"}
        for status, description in (
            (400, "Every file is empty"),
            (409, "Every file is an exact duplicate of an asset already in the library"),
            (413, "Every file is over the size limit"),
            (415, "Every file is of a type Loupe does not take"),
            (422, "Every file is corrupt, truncated, a decompression bomb or has invalid metadata"),
            (429, "The uploader is over the upload rate limit"),
            (503, "No file could be stored"),
        )
    },
}
"""Each status is either the per-file report (every file ended that way) or the app's error body."""


@router.post(
    "",
    status_code=201,
    response_model=UploadReport,
    summary="Upload images as drafts waiting for approval",
    responses=_DESCRIBED,
)
def upload(
    principal: CurrentPrincipal,
    services: ServicesDep,
    files: Annotated[list[UploadFile] | None, File(description="One or more images")] = None,
    title: Text = None,
    description: Text = None,
    tags: Listed = None,
    taxonomy: Listed = None,
    groups: Listed = None,
    license_expires: Annotated[date | None, Form()] = None,
    credit: Text = None,
    allow_duplicate: Annotated[bool, Form(description="Librarians: store an exact duplicate anyway")] = False,
) -> JSONResponse:
    """Each file is checked and stored on its own; the response lists every file with its outcome."""
    try:
        metadata = UploadMetadata(
            title=title,
            description=description,
            tags=tags or [],
            taxonomy=taxonomy or [],
            groups=groups,
            license_expires=license_expires,
            credit=credit,
        )
    except ValueError as exc:
        raise InvalidQuery(f"invalid metadata: {exc}") from exc
    incoming = [Incoming(f.filename, f.file) for f in files or []]
    outcomes = services.uploads.upload(principal, incoming, metadata, allow_duplicate)
    report, status = upload_report(outcomes, date.today())
    return JSONResponse(report.model_dump(mode="json"), status_code=status)
