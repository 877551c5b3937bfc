"""Upload outcomes as the page shows them: a sentence per file and the links it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.upload_desk import UploadOutcome, UploadProblem
from search_api.schemas import asset_path

PROBLEM_LABELS: dict[UploadProblem, str] = {
    UploadProblem.empty_file: "Empty file",
    UploadProblem.too_large: "Too large",
    UploadProblem.wrong_type: "Not an image Loupe takes",
    UploadProblem.corrupt: "Corrupt or truncated",
    UploadProblem.too_many_pixels: "Too many pixels",
    UploadProblem.duplicate: "Already in the library",
    UploadProblem.bad_metadata: "Invalid metadata",
    UploadProblem.rate_limited: "Upload limit reached",
    UploadProblem.not_stored: "Could not be stored",
}


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class OutcomeView:
    filename: str
    accepted: bool
    label: str
    detail: str = ""
    asset: Link | None = None
    existing: Link | None = None
    looks_like: list[Link] = field(default_factory=list)


def _link(asset_id: str, title: str) -> Link:
    return Link(f"/assets/{asset_path(asset_id)}", title or asset_id)


def outcome_view(outcome: UploadOutcome) -> OutcomeView:
    looks_like = [_link(a.asset_id, a.title) for a in outcome.looks_like]
    if outcome.asset is not None:
        return OutcomeView(
            outcome.filename, True, "Uploaded as a draft, waiting for approval",
            asset=_link(outcome.asset.id, outcome.asset.title), looks_like=looks_like,
        )  # fmt: skip
    problem = outcome.problem or UploadProblem.not_stored
    existing = _link(outcome.existing, outcome.existing_title) if outcome.existing else None
    return OutcomeView(outcome.filename, False, PROBLEM_LABELS[problem], outcome.detail, existing=existing)
