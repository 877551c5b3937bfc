"""Retirement candidates: published assets nobody viewed or downloaded in N days (the DAM's outdated-asset audit).

An asset indexed within the window is too new to judge and is left out. The list is read from
the usage log (`SearchLog.used_since`) against the library; retiring goes through the asset
editor's bulk edit, so each retirement is audited like any other status change and can be undone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from loupe_core.analytics.base import SearchLog
from loupe_core.librarian.editing import AssetEditor, BulkEdit, BulkReport
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.base import AssetStore

MAX_CANDIDATES = 10_000


class RetirementCandidates:
    def __init__(self, store: AssetStore, log: SearchLog, editor: AssetEditor) -> None:
        self._store = store
        self._log = log
        self._editor = editor

    def candidates(self, principal: Principal, days: int, today: date) -> list[Asset]:
        """Oldest first (by when they were indexed), at most `MAX_CANDIDATES`."""
        cutoff = today - timedelta(days=days)
        indexed_before = datetime.combine(cutoff, time.min, tzinfo=UTC)
        used = self._log.used_since(cutoff)
        unused = [
            asset
            for asset in self._store.scan(principal)
            if asset.status is AssetStatus.approved
            and asset.id not in used
            and asset.indexed_at is not None
            and asset.indexed_at < indexed_before
        ]
        unused.sort(key=lambda a: (a.indexed_at or indexed_before, a.id))
        return unused[:MAX_CANDIDATES]

    def retire(self, principal: Principal, ids: list[str]) -> BulkReport:
        return self._editor.bulk(principal, BulkEdit(ids=ids, set_status=AssetStatus.retired))
