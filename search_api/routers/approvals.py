"""The approval queue for librarians: drafts waiting, approve, reject with a reason (all audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from loupe_core.librarian.approvals import MAX_REASON, QUEUE_PAGE_SIZE
from search_api.deps import Librarian, ServicesDep
from search_api.schemas import AssetDetail, AssetSummary, asset_detail, asset_summary

router = APIRouter(prefix="/api/librarian/approvals", tags=["librarian"])


class ApprovalQueueBody(BaseModel):
    total: int
    drafts: list[AssetDetail]


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


@router.get("", response_model=ApprovalQueueBody, summary="Uploads waiting for approval, oldest first")
def queue(
    principal: Librarian,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=QUEUE_PAGE_SIZE)] = QUEUE_PAGE_SIZE,
) -> ApprovalQueueBody:
    found = services.approvals.queue(principal, page, size)
    today = date.today()
    return ApprovalQueueBody(total=found.total, drafts=[asset_detail(a, today) for a in found.drafts])


@router.post("/{asset_id:path}/approve", response_model=AssetSummary, summary="Publish a draft")
def approve(asset_id: str, principal: Librarian, services: ServicesDep) -> AssetSummary:
    return asset_summary(services.approvals.approve(principal, asset_id), date.today())


@router.post("/{asset_id:path}/reject", response_model=AssetSummary, summary="Retire a draft, with the reason")
def reject(asset_id: str, body: Rejection, principal: Librarian, services: ServicesDep) -> AssetSummary:
    return asset_summary(services.approvals.reject(principal, asset_id, body.reason), date.today())
