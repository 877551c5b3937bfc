"""Usage: views and downloads for analysts, and the librarians' retirement candidates with bulk retire.

Both read the usage events the search log keeps (asset page views, originals, previews and
collection ZIPs downloaded), through services that show each caller only what they may see.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from loupe_core.analytics.reports import UsageReport
from loupe_core.librarian.editing import BulkReport
from search_api.csv_export import CSV_RESPONSE, csv_response
from search_api.deps import Analyst, Librarian, ServicesDep
from search_api.period_params import PeriodDep
from search_api.schemas import AssetSummary, asset_summary

router = APIRouter(tags=["usage"])
UnusedDays = Annotated[int, Query(ge=1, le=3650, description="Not viewed or downloaded in this many days")]


@router.get("/api/analytics/usage", response_model=UsageReport, responses=CSV_RESPONSE)
def usage(
    principal: Analyst, services: ServicesDep, period: PeriodDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200, format: Literal["json", "csv"] = "json",
) -> UsageReport | Response:  # fmt: skip
    """Per asset (most used first), per group of the user and per day; CSV: the asset rows."""
    report = services.usage_reports.report(principal, period, limit)
    if format == "csv":
        return csv_response(
            "usage.csv", ["asset_id", "views", "downloads", "users"],
            [[a.asset_id, a.views, a.downloads, a.users] for a in report.assets],
        )  # fmt: skip
    return report


class Candidates(BaseModel):
    days: int
    total: int
    assets: list[AssetSummary]


@router.get("/api/librarian/retirement-candidates", response_model=Candidates, responses=CSV_RESPONSE)
def retirement_candidates(
    principal: Librarian, services: ServicesDep, days: UnusedDays = 365, format: Literal["json", "csv"] = "json"
) -> Candidates | Response:
    """Published assets nobody viewed or downloaded in `days` days (and indexed before that), oldest first."""
    found = services.retirement.candidates(principal, days, date.today())
    if format == "csv":
        return csv_response(
            "retirement-candidates.csv", ["id", "title", "owner", "groups", "indexed_at"],
            [[a.id, a.title, a.owner, "; ".join(a.groups), a.indexed_at.isoformat() if a.indexed_at else ""]
             for a in found],
        )  # fmt: skip
    today = date.today()
    return Candidates(days=days, total=len(found), assets=[asset_summary(a, today) for a in found])


class Retire(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=10_000)


@router.post("/api/librarian/retirement-candidates/retire", response_model=BulkReport)
def retire(body: Retire, principal: Librarian, services: ServicesDep) -> BulkReport:
    """Retire these assets (each audited as a status change; set `approved` again to undo)."""
    return services.retirement.retire(principal, body.ids)
