"""Conflicts between people's edits and sources that changed later: listed, and settled by a person.

The records live on the assets themselves (`Asset.conflicts`), written in the same atomic
write as the value they are about, so a conflict can neither be lost nor outlive its asset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from loupe_core.curation import Resolution, resolve_conflict
from loupe_core.errors import InvalidQuery
from loupe_core.librarian.editing import AssetEditor
from loupe_core.principal import Principal
from loupe_core.schema import Asset
from loupe_core.store.base import Versioned


class ConflictRow(BaseModel):
    asset_id: str
    title: str
    field: str
    edited_value: Any
    edited_by: str | None
    source_value: Any
    source: str | None
    at: datetime


class ConflictDesk:
    def __init__(self, editor: AssetEditor) -> None:
        self.editor = editor

    def list(self, principal: Principal) -> list[ConflictRow]:
        """Every open conflict on an asset the caller can see, newest first."""
        rows = [
            ConflictRow(
                asset_id=asset.id,
                title=asset.title,
                field=name,
                edited_value=conflict.edited_value,
                edited_by=edit.by if (edit := asset.edits.get(name)) else None,
                source_value=conflict.source_value,
                source=conflict.source,
                at=conflict.at,
            )
            for asset in self.editor.store.scan(principal)
            for name, conflict in asset.conflicts.items()
        ]
        return sorted(rows, key=lambda r: (-r.at.timestamp(), r.asset_id, r.field))

    def resolve(self, principal: Principal, asset_id: str, field: str, resolution: Resolution) -> Versioned:
        """Keep the person's value or take the source's; audited as `conflict.<resolution>`."""

        def settled(asset: Asset) -> Asset:
            if field not in asset.conflicts:
                raise InvalidQuery(f"{asset_id!r} has no open conflict on {field!r}")
            return resolve_conflict(asset, field, resolution)

        return self.editor.write(principal, asset_id, settled, f"conflict.{resolution.value}")
