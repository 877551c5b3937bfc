"""The duplicate queues as pages: clusters side by side, with keep/merge/not-duplicate actions.

Every action is a plain form that posts, then redirects back to the queue with a notice, so
the page works without JavaScript and a reload never repeats an action.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from loupe_core.librarian.clusters import DuplicateCluster, duplicate_clusters
from loupe_core.librarian.completeness import RequiredField, missing_fields
from loupe_core.librarian.duplicates import DuplicateQueue
from search_api.deps import Librarian, ServicesDep
from search_api.schemas import asset_summary
from web.errors import PageRoute
from web.notices import notice_text, redirect_with_notice
from web.rendering import render
from web.search_form import SearchForm

router = APIRouter(
    prefix="/librarian/duplicates",
    route_class=PageRoute,
    include_in_schema=False,
    default_response_class=HTMLResponse,
)
QUEUE_HELP = {
    DuplicateQueue.exact: "Byte-identical files (same SHA-256).",
    DuplicateQueue.visual: "Resized or recompressed copies (perceptual hashes within a few bits).",
    DuplicateQueue.near: "Crops, rotations, mirrors, edits and second takes: the same scene, confirmed by "
    "matching points (no model needed); each pair says what matched.",
}


class MergeForm(BaseModel):
    queue: DuplicateQueue = DuplicateQueue.exact
    keeper: str = Field(min_length=1, max_length=512)
    members: list[str] = Field(min_length=2, max_length=100)
    merge_metadata: bool = False


class PairForm(BaseModel):
    queue: DuplicateQueue = DuplicateQueue.exact
    a: str = Field(min_length=1, max_length=512)
    b: str = Field(min_length=1, max_length=512)


def _compared(cluster: DuplicateCluster, today: date) -> list[dict[str, object]]:
    """One column per member: what a librarian weighs when choosing the keeper."""
    return [
        {
            "summary": asset_summary(member, today),
            "keeper": member.id == cluster.keeper,
            "bytes": member.bytes,
            "created_at": member.created_at,
            "owner": member.owner,
            "missing": missing_fields(member, list(RequiredField)),
            "sha256": member.sha256,
        }
        for member in cluster.members
    ]


@router.get("")
def queue_page(
    request: Request,
    principal: Librarian,
    services: ServicesDep,
    queue: DuplicateQueue = DuplicateQueue.exact,
    notice: str | None = None,
) -> HTMLResponse:
    clusters = duplicate_clusters(services.store, services.librarian_db, queue, principal)
    today = date.today()
    context = {
        "page_title": f"Duplicates ({queue.value}) – Loupe",
        "form": SearchForm(),
        "queue": queue,
        "queues": list(DuplicateQueue),
        "queue_help": QUEUE_HELP,
        "clusters": [(cluster, _compared(cluster, today)) for cluster in clusters],
        "notice": notice_text(notice),
    }
    return render(request, "pages/librarian_duplicates.html", context)


@router.post("/refresh")
def refresh(principal: Librarian, services: ServicesDep, queue: Annotated[DuplicateQueue, Form()]) -> RedirectResponse:
    services.duplicates.refresh()
    return redirect_with_notice("/librarian/duplicates", "scanned", queue=queue.value)


@router.post("/merge")
def merge_cluster(principal: Librarian, services: ServicesDep, form: Annotated[MergeForm, Form()]) -> RedirectResponse:
    """Keep the chosen member and retire the rest; with `merge_metadata` their tags and text fold in."""
    services.duplicate_decisions.merge(principal, form.keeper, form.members, form.merge_metadata)
    return redirect_with_notice(
        "/librarian/duplicates", "merged" if form.merge_metadata else "kept", queue=form.queue.value
    )


@router.post("/not-duplicate")
def reject_pair(principal: Librarian, services: ServicesDep, form: Annotated[PairForm, Form()]) -> RedirectResponse:
    services.duplicate_decisions.not_duplicate(principal, form.a, form.b)
    return redirect_with_notice("/librarian/duplicates", "not-duplicate", queue=form.queue.value)
