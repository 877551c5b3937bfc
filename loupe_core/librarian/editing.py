"""Metadata and visibility edits, one asset or many: permission-checked, versioned, audited, re-embedded.

Librarians and admins may edit any asset they can see; contributors only their own, and they
may only narrow who sees it. An asset the caller cannot see is "not found", one they can see
but not edit is "forbidden". Every change is a person's edit (`loupe_core.curation`), so no
later index run takes it back, and is written to the audit log as field: [old, new].

Every write names the version it was computed from. A caller who says which version they
saw (`If-Match`) gets a `VersionConflict` when it moved; otherwise the change is computed
again on a fresh read, so two concurrent edits of different fields both land.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import AccountStore
from loupe_core.curation import field_value, record_edits
from loupe_core.errors import AssetNotFound, Forbidden, InvalidQuery, VersionConflict
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.base import AssetStore, Versioned

TextEmbedder = Callable[[Asset], list[float] | None]
Transform = Callable[[Asset], Asset]
TEXT_FIELDS = {"title", "description", "tags"}
BOOKKEEPING_FIELDS = {"indexed_at", "edits", "provenance"}
"""Not audited as changes of their own: they record who changed the fields that are."""
WRITE_ATTEMPTS = 12
"""Rounds of read-compute-write before an edit that keeps losing races gives up (with backoff between)."""


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
    owner: str | None = Field(default=None, min_length=1, max_length=200)
    groups: list[str] | None = Field(default=None, max_length=100)

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class BulkEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=1, max_length=10_000)
    add_tags: list[str] = Field(default_factory=list, max_length=100)
    remove_tags: list[str] = Field(default_factory=list, max_length=100)
    set_taxonomy: list[str] | None = None
    set_status: AssetStatus | None = None
    set_groups: list[str] | None = Field(default=None, max_length=100)
    set_owner: str | None = Field(default=None, min_length=1, max_length=200)
    versions: dict[str, str] = Field(default_factory=dict, max_length=10_000)
    """id -> the version (ETag) the caller saw; an asset that moved since is reported, not edited."""

    def values_for(self, asset: Asset) -> dict[str, Any]:
        removed = set(self.remove_tags)
        values: dict[str, Any] = {"tags": [t for t in asset.tags if t not in removed] + self.add_tags}
        for name, value in (
            ("taxonomy", self.set_taxonomy),
            ("status", self.set_status),
            ("groups", self.set_groups),
            ("owner", self.set_owner),
        ):
            if value is not None:
                values[name] = value
        return values


class BulkConflict(BaseModel):
    id: str
    current_version: str
    fields: dict[str, dict[str, Any]]


class BulkReport(BaseModel):
    updated: list[str]
    unchanged: list[str]
    forbidden: list[str]
    not_found: list[str]
    conflicts: list[BulkConflict] = Field(default_factory=list)


def can_edit(principal: Principal, asset: Asset) -> bool:
    return may(principal, Permission.edit_any) or (
        may(principal, Permission.edit_own) and asset.owner == principal.user_id
    )


def check_visibility_change(principal: Principal, before: Asset, values: dict[str, Any]) -> None:
    """Only librarians and admins widen visibility, hand an asset over or decide on a draft; contributors may
    narrow who sees an asset."""
    if may(principal, Permission.edit_any):
        return
    if before.status is AssetStatus.draft and AssetStatus(values.get("status", before.status)) != before.status:
        raise Forbidden("a draft is approved or rejected by a librarian, in the approval queue")
    if "owner" in values and values["owner"] != before.owner:
        raise Forbidden("only librarians and admins may change an asset's owner")
    added = sorted(set(values.get("groups", before.groups)) - set(before.groups))
    if added:
        raise Forbidden(f"contributors may only narrow who sees an asset; adding {', '.join(added)} widens it")


def audit_diff(before: Asset, after: Asset) -> dict[str, list[Any]]:
    old, new = before.without_vectors().model_dump(mode="json"), after.without_vectors().model_dump(mode="json")
    return {k: [old[k], new[k]] for k in new if old[k] != new[k] and k not in BOOKKEEPING_FIELDS}


def differing_fields(current: Asset, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields a stale write set to something other than what is stored now: yours beside theirs."""
    try:
        yours = Asset.model_validate({**current.model_dump(), **values})
    except ValidationError:
        yours = current
    return {
        name: {"yours": field_value(yours, name), "current": field_value(current, name)}
        for name in values
        if field_value(yours, name) != field_value(current, name)
    }


class AssetEditor:
    def __init__(self, store: AssetStore, accounts: AccountStore, embed_text: TextEmbedder) -> None:
        self.store = store
        self.accounts = accounts
        self.embed_text = embed_text

    def editable(self, principal: Principal, asset_id: str) -> Versioned:
        current = self.store.get_versioned(asset_id, principal)
        if not can_edit(principal, current.asset):
            raise Forbidden(f"you may not edit {asset_id!r}")
        return current

    def edit(
        self, principal: Principal, asset_id: str, changes: AssetChanges, expected_version: str | None = None
    ) -> Versioned:
        """Apply a person's changes; with `expected_version`, only onto the version they saw."""
        values = changes.values()
        return self.update(principal, asset_id, lambda _: values, "asset.edit", expected_version)

    def update(
        self,
        principal: Principal,
        asset_id: str,
        values_of: Callable[[Asset], dict[str, Any]],
        action: str,
        expected_version: str | None = None,
        note: dict[str, Any] | None = None,
    ) -> Versioned:
        """Edit with values computed from the current asset (recomputed if it moves meanwhile).

        `note`: recorded in the audit entry beside the changes (a rejection's reason)."""

        def checked(before: Asset) -> Asset:
            values = values_of(before)
            check_visibility_change(principal, before, values)
            try:
                return record_edits(before, values, principal.user_id, datetime.now(UTC))
            except ValidationError as exc:
                raise InvalidQuery(f"invalid value: {exc.errors()[0]['msg']}") from exc

        def unmoved(current: Versioned) -> None:
            if expected_version is not None and current.version != expected_version:
                raise VersionConflict(
                    f"{asset_id!r} changed since version {expected_version} (now {current.version})",
                    asset_id,
                    current.version,
                    differing_fields(current.asset, values_of(current.asset)),
                )

        return self.write(principal, asset_id, checked, action, check=unmoved, note=note)

    def write(
        self,
        principal: Principal,
        asset_id: str,
        transform: Transform,
        action: str,
        *,
        check: Callable[[Versioned], None] | None = None,
        actor: str | None = None,
        note: dict[str, Any] | None = None,
    ) -> Versioned:
        """Read, transform, write conditionally, audit; the one path every person's change takes.

        `check` sees each version read before it is changed (a stale If-Match raises there).
        """
        for attempt in range(WRITE_ATTEMPTS):
            current = self.editable(principal, asset_id)
            if check is not None:
                check(current)
            after = transform(current.asset)
            changes = audit_diff(current.asset, after)
            if not changes:
                return current
            if TEXT_FIELDS & changes.keys():
                after = after.model_copy(update={"text_vector": self.embed_text(after)})
            report = self.store.upsert([after], {asset_id: current.version}, wait_for_search=True)
            if report.failures and report.failures[0].stale:
                # Someone wrote in between: read again after a short random pause, so writers racing
                # for one asset (a bulk edit beside another, the indexer) fall out of step.
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # noqa: S311 — jitter, not security
                continue
            if report.failures:
                raise InvalidQuery(f"could not save {asset_id!r}: {report.failures[0].reason}")
            self.accounts.record(actor or principal.user_id, action, f"asset:{asset_id}", {**changes, **(note or {})})
            return Versioned(after, report.versions[asset_id])
        raise InvalidQuery(f"{asset_id!r} kept changing while it was saved ({WRITE_ATTEMPTS} tries); try again")

    def bulk(self, principal: Principal, edit: BulkEdit) -> BulkReport:
        """Each asset on its own: a conflict, a refusal or a missing id never stops the others."""
        report = BulkReport(updated=[], unchanged=[], forbidden=[], not_found=[])
        for asset_id in dict.fromkeys(edit.ids):
            try:
                before = self.editable(principal, asset_id)
                saved = self.update(
                    principal, asset_id, edit.values_for, "asset.bulk_edit", edit.versions.get(asset_id)
                )
            except AssetNotFound:
                report.not_found.append(asset_id)
            except Forbidden:
                report.forbidden.append(asset_id)
            except VersionConflict as exc:
                report.conflicts.append(
                    BulkConflict(id=asset_id, current_version=exc.current_version, fields=exc.fields)
                )
            else:
                (report.updated if saved.version != before.version else report.unchanged).append(asset_id)
        return report
