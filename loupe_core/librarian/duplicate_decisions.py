"""A librarian's decisions on duplicates: "not a duplicate", and merges that are all or nothing.

A merge writes several assets (the keeper with the others' metadata folded in, then each
other retired), and neither backend writes several documents atomically for us: OpenSearch
has no multi-document transactions, and the librarian's records live in a separate SQLite
file from the embedded store. So a merge is first recorded as an intent in the librarian
database, then applied, then marked done. Applying is idempotent (folding takes the union of
tags and categories, fills only empty fields, and retiring a retired asset changes nothing),
so an intent left pending by a crash or an outage is simply applied again: before the next
merge, and when the app starts. Permissions are checked when the intent is recorded; a
replay acts for the person who asked, as they did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from loupe_core.curation import record_edits
from loupe_core.errors import InvalidQuery
from loupe_core.librarian.duplicates import mark_not_duplicate
from loupe_core.librarian.editing import AssetEditor
from loupe_core.principal import SYSTEM, Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.embedded.connection import ConnectionPool

FILLED_FIELDS = ("description", "credit", "license_expires")
"""Taken from a merged copy only where the keeper has none."""


class MergeIntent(BaseModel):
    actor: str
    at: datetime
    keeper: str
    others: list[str]
    merge_metadata: bool


def folded(keeper: Asset, others: Sequence[Asset]) -> dict[str, Any]:
    """The keeper's new values: every tag and category of the copies, their text where it has none."""
    values: dict[str, Any] = {
        "tags": keeper.tags + [t for o in others for t in o.tags],
        "taxonomy": keeper.taxonomy + [p for o in others for p in o.taxonomy],
    }
    for name in FILLED_FIELDS:
        if not getattr(keeper, name):
            values[name] = next((getattr(o, name) for o in others if getattr(o, name)), None)
    return {name: value for name, value in values.items() if value is not None}


class DuplicateDecisions:
    def __init__(self, editor: AssetEditor, db: ConnectionPool) -> None:
        self.editor = editor
        self.db = db

    def not_duplicate(self, principal: Principal, a: str, b: str) -> None:
        """Remembered in the librarian database, so the pair never returns to a queue."""
        for asset_id in (a, b):
            self.editor.store.get(asset_id, principal)
        mark_not_duplicate(self.db, a, b, principal.user_id)
        self.editor.accounts.record(principal.user_id, "duplicate.not_duplicate", f"asset:{a}", {"b": b})

    def merge(self, principal: Principal, keeper_id: str, others: Sequence[str], merge_metadata: bool) -> Asset:
        """Keep one asset, retire the others; optionally fold their tags, categories and text in."""
        self.replay()
        self.editor.editable(principal, keeper_id)
        retired = [o for o in dict.fromkeys(others) if o != keeper_id]
        if not retired:
            raise InvalidQuery("merge needs at least one asset besides the keeper")
        for other in retired:
            self.editor.editable(principal, other)
        intent = MergeIntent(
            actor=principal.user_id,
            at=datetime.now(UTC),
            keeper=keeper_id,
            others=retired,
            merge_metadata=merge_metadata,
        )
        with self.db.write() as tx:
            intent_id = int(
                tx.execute(
                    "INSERT INTO merge_intents(intent) VALUES (?) RETURNING id", (intent.model_dump_json(),)
                ).fetchone()[0]
            )
        return self._apply(intent_id, intent)

    def replay(self) -> int:
        """Finish every merge a crash or an outage left half done; returns how many there were."""
        rows = self.db.get().execute("SELECT id, intent FROM merge_intents ORDER BY id").fetchall()
        for intent_id, body in rows:
            self._apply(int(intent_id), MergeIntent.model_validate_json(body))
        return len(rows)

    def _apply(self, intent_id: int, intent: MergeIntent) -> Asset:
        def fold(keeper: Asset) -> dict[str, Any]:
            if not intent.merge_metadata:
                return {}
            copies = [self.editor.store.get(other) for other in intent.others]
            return folded(keeper, copies)

        kept = self._as_actor(intent, intent.keeper, fold, "asset.merge")
        for other in intent.others:
            self._as_actor(intent, other, lambda _: {"status": AssetStatus.retired}, "asset.retire")
        with self.db.write() as tx:
            tx.execute("DELETE FROM merge_intents WHERE id = ?", (intent_id,))
        return kept

    def _as_actor(
        self, intent: MergeIntent, asset_id: str, values_of: Callable[[Asset], dict[str, Any]], action: str
    ) -> Asset:
        """An edit in the name of the person who asked for the merge, at the time they asked."""
        return self.editor.write(
            SYSTEM,
            asset_id,
            lambda before: record_edits(before, values_of(before), intent.actor, intent.at),
            action,
            actor=intent.actor,
        ).asset
