"""Metadata edits, bulk edits and duplicate merges: permission-checked, audited, re-embedded.

Librarians and admins may edit any asset they can see; contributors only their own. An
asset the caller cannot see is "not found", one they can see but not edit is "forbidden".
Every change is written to the audit log as field: [old, new].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import AccountStore
from loupe_core.errors import AssetNotFound, Forbidden, InvalidQuery
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.base import AssetStore

TextEmbedder = Callable[[Asset], list[float] | None]
TEXT_FIELDS = {"title", "description", "tags"}


class AssetChanges(BaseModel):
    """Fields a person may edit; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=20_000)
    tags: list[str] | None = Field(default=None, max_length=500)
    taxonomy: list[str] | None = Field(default=None, max_length=100)
    status: AssetStatus | None = None
    license_expires: date | None = None
    credit: str | None = Field(default=None, max_length=1000)


class BulkEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=1, max_length=10_000)
    add_tags: list[str] = Field(default_factory=list, max_length=100)
    remove_tags: list[str] = Field(default_factory=list, max_length=100)
    set_taxonomy: list[str] | None = None
    set_status: AssetStatus | None = None


class BulkReport(BaseModel):
    updated: list[str]
    unchanged: list[str]
    forbidden: list[str]
    not_found: list[str]


def can_edit(principal: Principal, asset: Asset) -> bool:
    return may(principal, Permission.edit_any) or (
        may(principal, Permission.edit_own) and asset.owner == principal.user_id
    )


def _diff(before: Asset, after: Asset) -> dict[str, list[Any]]:
    old, new = before.without_vectors().model_dump(mode="json"), after.without_vectors().model_dump(mode="json")
    return {k: [old[k], new[k]] for k in new if old[k] != new[k] and k != "indexed_at"}


class AssetEditor:
    def __init__(self, store: AssetStore, accounts: AccountStore, embed_text: TextEmbedder) -> None:
        self.store = store
        self.accounts = accounts
        self.embed_text = embed_text

    def _editable(self, principal: Principal, asset_id: str) -> Asset:
        asset = self.store.get(asset_id, principal)
        if not can_edit(principal, asset):
            raise Forbidden(f"you may not edit {asset_id!r}")
        return asset

    def _save(self, principal: Principal, before: Asset, after: Asset, action: str) -> Asset:
        changes = _diff(before, after)
        if not changes:
            return before
        if TEXT_FIELDS & changes.keys():
            after = after.model_copy(update={"text_vector": self.embed_text(after)})
        report = self.store.upsert([after])
        if report.failures:
            raise InvalidQuery(f"could not save {after.id!r}: {report.failures[0].reason}")
        self.accounts.record(principal.user_id, action, f"asset:{after.id}", changes)
        return after

    def edit(self, principal: Principal, asset_id: str, changes: AssetChanges) -> Asset:
        before = self._editable(principal, asset_id)
        after = Asset.model_validate({**before.model_dump(), **changes.model_dump(exclude_none=True)})
        return self._save(principal, before, after, "asset.edit")

    def bulk(self, principal: Principal, edit: BulkEdit) -> BulkReport:
        report = BulkReport(updated=[], unchanged=[], forbidden=[], not_found=[])
        for asset_id in dict.fromkeys(edit.ids):
            try:
                before = self._editable(principal, asset_id)
            except AssetNotFound:
                report.not_found.append(asset_id)
                continue
            except Forbidden:
                report.forbidden.append(asset_id)
                continue
            tags = [t for t in before.tags if t not in set(edit.remove_tags)] + edit.add_tags
            update: dict[str, Any] = {"tags": tags}
            if edit.set_taxonomy is not None:
                update["taxonomy"] = edit.set_taxonomy
            if edit.set_status is not None:
                update["status"] = edit.set_status
            after = Asset.model_validate({**before.model_dump(), **update})
            saved = self._save(principal, before, after, "asset.bulk_edit")
            (report.updated if saved is not before else report.unchanged).append(asset_id)
        return report

    def merge(self, principal: Principal, keeper_id: str, others: Sequence[str], merge_metadata: bool) -> Asset:
        """Keep one asset, retire the others; optionally fold their tags, categories and text in."""
        keeper = self._editable(principal, keeper_id)
        retired = [self._editable(principal, other) for other in dict.fromkeys(others) if other != keeper_id]
        if not retired:
            raise InvalidQuery("merge needs at least one asset besides the keeper")
        merged = keeper
        if merge_metadata:
            update: dict[str, Any] = {
                "tags": keeper.tags + [t for o in retired for t in o.tags],
                "taxonomy": keeper.taxonomy + [p for o in retired for p in o.taxonomy],
            }
            for field in ("description", "credit", "license_expires"):
                if not getattr(keeper, field):
                    update[field] = next((getattr(o, field) for o in retired if getattr(o, field)), None)
            merged = self._save(
                principal, keeper, Asset.model_validate({**keeper.model_dump(), **update}), "asset.merge"
            )
        for other in retired:
            self._save(principal, other, other.model_copy(update={"status": AssetStatus.retired}), "asset.retire")
        return merged
