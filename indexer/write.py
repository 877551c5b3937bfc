"""Bulk upserts of finished assets, turning the store's per-document failures into file problems.

Only complete assets reach this stage, and the store writes each one atomically, so a failed
document leaves the previous version (or nothing) in place, never a half-written row.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.encode import Draft
from indexer.report import IndexProblem, Reason
from loupe_core.store.base import AssetStore


def write_drafts(store: AssetStore, drafts: Sequence[Draft]) -> tuple[int, list[IndexProblem]]:
    """Upsert all drafts in one call; returns how many were written and a problem per rejected one."""
    if not drafts:
        return 0, []
    report = store.upsert([draft.asset for draft in drafts])
    path_of = {draft.asset.id: draft.path for draft in drafts}
    problems = [IndexProblem.of(path_of[f.asset_id], Reason.write_failed, f.reason) for f in report.failures]
    return report.written, problems
