"""The approval queue: uploads wait as drafts until a librarian approves or rejects them, audited.

Approving publishes the draft (`approved`: its groups see it from then on). Rejecting retires it
with the reason in the audit entry. `retired` already means "withdrawn, kept for the record" on
every surface and in every backend's visibility rule, so a rejection needs no new state for the
stores to translate; the original file is kept, so the decision can be checked or reversed.

Both go through `AssetEditor`, the one path every person's change takes (conditional write,
audit entry), and only from `draft`: a decision on an asset someone already decided is refused
rather than silently repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.accounts.permissions import Permission, may
from loupe_core.errors import Forbidden, InvalidQuery
from loupe_core.librarian.editing import AssetEditor
from loupe_core.principal import Principal
from loupe_core.query import Filters, Query, SearchMode, SortOrder
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.base import AssetStore

QUEUE_PAGE_SIZE = 100
MAX_REASON = 2000


@dataclass(frozen=True)
class ApprovalQueue:
    total: int
    drafts: list[Asset]
    """Oldest first: the longest waiting are decided first."""


class ApprovalDesk:
    def __init__(self, store: AssetStore, editor: AssetEditor) -> None:
        self.store = store
        self.editor = editor

    @staticmethod
    def _check(principal: Principal) -> None:
        if not may(principal, Permission.edit_any):
            raise Forbidden("only librarians and admins approve or reject uploads")

    def queue(self, principal: Principal, page: int = 1, size: int = QUEUE_PAGE_SIZE) -> ApprovalQueue:
        self._check(principal)
        result = self.store.search(
            Query(
                mode=SearchMode.keyword,
                filters=Filters(status=(AssetStatus.draft.value,)),
                facets=(),
                sort=SortOrder.oldest,
                page=page,
                size=size,
                principal=principal,
            )
        )
        return ApprovalQueue(result.total, [hit.asset.without_vectors() for hit in result.hits])

    def approve(self, principal: Principal, asset_id: str) -> Asset:
        self._check(principal)
        return self._decide(principal, asset_id, AssetStatus.approved, "asset.approve", None)

    def reject(self, principal: Principal, asset_id: str, reason: str) -> Asset:
        self._check(principal)
        reason = reason.strip()
        if not reason:
            raise InvalidQuery("a rejection needs a reason: the audit log keeps it for the uploader and the librarians")
        if len(reason) > MAX_REASON:
            raise InvalidQuery(f"the reason is limited to {MAX_REASON} characters")
        return self._decide(principal, asset_id, AssetStatus.retired, "asset.reject", reason)

    def _decide(
        self, principal: Principal, asset_id: str, status: AssetStatus, action: str, reason: str | None
    ) -> Asset:
        def decided(current: Asset) -> dict[str, AssetStatus]:
            if current.status is not AssetStatus.draft:
                raise InvalidQuery(f"{asset_id!r} is {current.status.value}, not a draft waiting for approval")
            return {"status": status}

        note = {"reason": reason} if reason is not None else None
        return self.editor.update(principal, asset_id, decided, action, note=note).asset
