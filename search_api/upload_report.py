"""Upload outcomes as JSON: one entry per file with its own status, and the status of the whole request.

Each refusal reason maps to one HTTP status here, once. A request whose files all end alike
answers with that status (a single exact duplicate is a plain 409); a mixed batch answers 207
and each entry carries its own, so a client never has to guess which file failed and why.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from indexer.upload_desk import UploadOutcome, UploadProblem
from search_api.schemas import AssetSummary, asset_path, asset_summary

ACCEPTED = 201
MIXED = 207
STATUS_OF_PROBLEM: dict[UploadProblem, int] = {
    UploadProblem.empty_file: 400,
    UploadProblem.too_large: 413,
    UploadProblem.wrong_type: 415,
    UploadProblem.corrupt: 422,
    UploadProblem.too_many_pixels: 422,
    UploadProblem.bad_metadata: 422,
    UploadProblem.duplicate: 409,
    UploadProblem.rate_limited: 429,
    UploadProblem.not_stored: 503,
}


class LookAlikeBody(BaseModel):
    id: str
    title: str
    queue: str
    explanation: str
    url: str


class UploadedFile(BaseModel):
    filename: str
    status: int
    """201 for a stored draft, else this file's own error status."""
    asset: AssetSummary | None = None
    error: UploadProblem | None = None
    detail: str = ""
    existing: str | None = None
    """A refused exact duplicate's original, when the uploader may see it."""
    existing_title: str | None = None
    existing_url: str | None = None
    looks_like: list[LookAlikeBody] = []


class UploadReport(BaseModel):
    files: list[UploadedFile]


def status_of(outcome: UploadOutcome) -> int:
    return ACCEPTED if outcome.problem is None else STATUS_OF_PROBLEM[outcome.problem]


def upload_report(outcomes: list[UploadOutcome], today: date) -> tuple[UploadReport, int]:
    """The report and the request's status: the files' common status, or 207 when they differ."""
    files = [
        UploadedFile(
            filename=o.filename,
            status=status_of(o),
            asset=asset_summary(o.asset, today) if o.asset is not None else None,
            error=o.problem,
            detail=o.detail,
            existing=o.existing,
            existing_title=o.existing_title if o.existing else None,
            existing_url=f"/assets/{asset_path(o.existing)}" if o.existing else None,
            looks_like=[
                LookAlikeBody(
                    id=a.asset_id,
                    title=a.title,
                    queue=a.queue,
                    explanation=a.explanation,
                    url=f"/assets/{asset_path(a.asset_id)}",
                )
                for a in o.looks_like
            ],
        )
        for o in outcomes
    ]
    statuses = {f.status for f in files}
    return UploadReport(files=files), statuses.pop() if len(statuses) == 1 else MIXED
