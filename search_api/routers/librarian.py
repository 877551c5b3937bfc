"""Librarian reports and actions: incomplete metadata, duplicates, conflicts, licences, vocabulary, bulk edit.

Reports come from `loupe_core.librarian.reports` and vocabulary changes go through
`loupe_core.librarian.vocabulary_edits`, the services the librarian pages call too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from loupe_core.curation import Resolution
from loupe_core.librarian.clusters import DuplicateCluster, duplicate_clusters
from loupe_core.librarian.completeness import IncompleteReport, RequiredField
from loupe_core.librarian.conflicts import ConflictRow
from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.librarian.editing import BulkEdit, BulkReport
from loupe_core.librarian.licence_watchlist import LICENCE_PAGE_SIZE
from loupe_core.librarian.vocabulary import VocabularyTerm
from loupe_core.librarian.vocabulary_edits import MAX_VOCABULARY_UPLOAD
from search_api.csv_export import CSV_RESPONSE, csv_response
from search_api.deps import Editor, Librarian, ServicesDep
from search_api.licence_report import LicenceDays, LicencePage, LicencePageSize, LicenceReport, licence_report
from search_api.schemas import AssetDetail, AssetSummary, asset_detail, asset_summary

router = APIRouter(prefix="/api/librarian", tags=["librarian"])
Format = Literal["json", "csv"]


@router.get("/incomplete", response_model=IncompleteReport, responses=CSV_RESPONSE)
def incomplete(
    principal: Librarian, services: ServicesDep, field: RequiredField | None = None, owner: str | None = None,
    group: str | None = None, format: Format = "json",
) -> IncompleteReport | Response:  # fmt: skip
    report = services.librarian_reports.incomplete(principal, field, owner, group)
    if format == "csv":
        return csv_response(
            "incomplete-metadata.csv", ["id", "title", "owner", "groups", "missing"],
            [[i.asset.id, i.asset.title, i.asset.owner, "; ".join(i.asset.groups), "; ".join(i.missing)]
             for i in report.assets],
        )  # fmt: skip
    return report


class RefreshResult(BaseModel):
    checked: int
    pairs: dict[DuplicateQueue, int]


@router.post("/duplicates/refresh", response_model=RefreshResult)
def refresh_duplicates(principal: Librarian, services: ServicesDep) -> RefreshResult:
    stats = services.duplicates.refresh()
    return RefreshResult(checked=stats.checked, pairs=stats.pairs)


@router.get("/duplicates", response_model=list[DuplicateCluster], responses=CSV_RESPONSE)
def duplicates(
    principal: Librarian, services: ServicesDep, queue: DuplicateQueue = DuplicateQueue.exact, format: Format = "json"
) -> list[DuplicateCluster] | Response:
    clusters = duplicate_clusters(services.store, services.librarian_db, queue, principal)
    if format == "csv":
        return csv_response(
            f"duplicates-{queue.value}.csv", ["cluster", "keeper", "members"],
            [[n, c.keeper, "; ".join(m.id for m in c.members)] for n, c in enumerate(clusters, start=1)],
        )  # fmt: skip
    return clusters


class PairDecision(BaseModel):
    a: str = Field(min_length=1, max_length=512)
    b: str = Field(min_length=1, max_length=512)


class Merge(BaseModel):
    keeper: str = Field(min_length=1, max_length=512)
    others: list[str] = Field(min_length=1, max_length=100)
    merge_metadata: bool = True


@router.post("/duplicates/not-duplicate", status_code=204)
def not_duplicate(decision: PairDecision, principal: Librarian, services: ServicesDep) -> None:
    services.duplicate_decisions.not_duplicate(principal, decision.a, decision.b)


@router.post("/duplicates/merge", response_model=AssetSummary)
def merge(body: Merge, principal: Librarian, services: ServicesDep) -> AssetSummary:
    kept = services.duplicate_decisions.merge(principal, body.keeper, body.others, body.merge_metadata)
    return asset_summary(kept, date.today())


@router.get("/conflicts", response_model=list[ConflictRow], summary="Edited fields whose sources changed since")
def conflicts(principal: Librarian, services: ServicesDep) -> list[ConflictRow]:
    return services.conflicts.list(principal)


class ConflictDecision(BaseModel):
    asset_id: str = Field(min_length=1, max_length=512)
    field: str = Field(min_length=1, max_length=100)
    resolution: Resolution


@router.post("/conflicts/resolve", response_model=AssetDetail, summary="Keep the edit, or take the source's value")
def resolve_conflict(body: ConflictDecision, principal: Librarian, services: ServicesDep) -> AssetDetail:
    saved = services.conflicts.resolve(principal, body.asset_id, body.field, body.resolution)
    return asset_detail(saved.asset, date.today())


@router.get(
    "/licences", response_model=LicenceReport, responses=CSV_RESPONSE,
    summary="Expired and expiring licences, by expiry date, a page of each with totals (CSV: every asset)",
)  # fmt: skip
def licences(
    principal: Librarian, services: ServicesDep, days: LicenceDays = 30, page: LicencePage = 1,
    size: LicencePageSize = LICENCE_PAGE_SIZE, format: Format = "json",
) -> LicenceReport | Response:  # fmt: skip
    reports = services.librarian_reports
    if format == "csv":
        return csv_response(
            "licences.csv", ["state", "id", "title", "license_expires"],
            [[state.value, a.id, a.title, a.license_expires] for state, a in reports.every_licence(principal, days)],
        )  # fmt: skip
    return licence_report(reports.licences(principal, days, page, size), date.today())


@router.get("/vocabulary", response_model=list[VocabularyTerm])
def vocabulary(principal: Librarian, services: ServicesDep) -> list[VocabularyTerm]:
    return services.vocabulary.terms()


class Imported(BaseModel):
    imported: int


@router.put("/vocabulary", response_model=Imported)
def upsert_terms(terms: list[VocabularyTerm], principal: Librarian, services: ServicesDep) -> Imported:
    return Imported(imported=services.vocabulary_editor.upsert(principal, terms))


@router.post("/vocabulary/import", response_model=Imported)
async def import_terms(principal: Librarian, services: ServicesDep, file: Annotated[UploadFile, File()]) -> Imported:
    data = await file.read(MAX_VOCABULARY_UPLOAD + 1)
    return Imported(imported=services.vocabulary_editor.import_file(principal, file.filename or "", data))


@router.delete("/vocabulary/{term:path}", status_code=204)
def delete_term(term: str, principal: Librarian, services: ServicesDep) -> None:
    services.vocabulary_editor.delete(principal, term)


@router.post("/bulk", response_model=BulkReport)
def bulk_edit(edit: BulkEdit, principal: Editor, services: ServicesDep) -> BulkReport:
    return services.editor.bulk(principal, edit)
