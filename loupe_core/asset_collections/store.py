"""Collections persistence: collections, their items and their group shares (SQLite, WAL, under the data folder).

A collection holds asset ids, never asset data: what each viewer sees of it is decided when it is
read, under that viewer's permissions (`loupe_core.asset_collections.service`). The file lives beside
the asset store whichever backend serves search, so collections survive a reindex.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from loupe_core.store.embedded.connection import ConnectionPool, open_with_schema

DDL = [
    """CREATE TABLE IF NOT EXISTS collections (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS collections_owner ON collections(owner)",
    """CREATE TABLE IF NOT EXISTS collection_items (
  collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE, asset_id TEXT NOT NULL,
  added_by TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (collection_id, asset_id))""",
    """CREATE TABLE IF NOT EXISTS collection_shares (
  collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE, group_name TEXT NOT NULL,
  role TEXT NOT NULL, PRIMARY KEY (collection_id, group_name))""",
    "CREATE INDEX IF NOT EXISTS collection_shares_group ON collection_shares(group_name)",
]


class ShareRole(StrEnum):
    viewer = "viewer"
    """Sees the collection (the items they may see), searches within it and downloads it."""
    editor = "editor"
    """Also adds and removes items, renames and describes it."""


@dataclass(frozen=True)
class Collection:
    id: str
    name: str
    description: str
    owner: str
    created_at: str
    updated_at: str
    item_count: int
    """Every item, visible to the reader or not: the service subtracts what the reader may see."""
    shares: dict[str, ShareRole]
    """Group -> role."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_collections_db(path: Path) -> ConnectionPool:
    return open_with_schema(path, DDL)


_COLUMNS = (
    "SELECT c.id, c.name, c.description, c.owner, c.created_at, c.updated_at, "
    "(SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id) FROM collections c "
)
_BY_ID = _COLUMNS + "WHERE c.id = ?"
_READABLE = (
    _COLUMNS  # noqa: S608 — constants only; values are bound  # nosec B608
    + "WHERE c.owner = ? OR c.id IN (SELECT collection_id FROM collection_shares "
    "WHERE group_name IN (SELECT value FROM json_each(?))) ORDER BY c.name COLLATE NOCASE, c.id"
)
_EVERY = _COLUMNS + "ORDER BY c.name COLLATE NOCASE, c.id"


class CollectionStore:
    """Rows only: who may do what is the service's business."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(self, owner: str, name: str, description: str) -> Collection:
        collection_id = secrets.token_urlsafe(9)
        stamp = now()
        with self._pool.write() as conn:
            conn.execute(
                "INSERT INTO collections(id, name, description, owner, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (collection_id, name, description, owner, stamp, stamp),
            )
        return Collection(collection_id, name, description, owner, stamp, stamp, item_count=0, shares={})

    def get(self, collection_id: str) -> Collection | None:
        conn = self._pool.get()
        row = conn.execute(_BY_ID, (collection_id,)).fetchone()
        return self._collection(conn, row) if row else None

    def readable_by(self, user_id: str | None, groups: Iterable[str]) -> list[Collection]:
        """Collections owned by `user_id` or shared with any of `groups`, by name."""
        group_list = sorted(set(groups))
        conn = self._pool.get()
        rows = conn.execute(_READABLE, (user_id or "", json.dumps(group_list)))
        return [self._collection(conn, row) for row in rows.fetchall()]

    def every(self) -> list[Collection]:
        conn = self._pool.get()
        rows = conn.execute(_EVERY)
        return [self._collection(conn, row) for row in rows.fetchall()]

    def describe(self, collection_id: str, name: str, description: str) -> None:
        with self._pool.write() as conn:
            conn.execute(
                "UPDATE collections SET name = ?, description = ?, updated_at = ? WHERE id = ?",
                (name, description, now(), collection_id),
            )

    def delete(self, collection_id: str) -> None:
        with self._pool.write() as conn:
            conn.execute("DELETE FROM collection_items WHERE collection_id = ?", (collection_id,))
            conn.execute("DELETE FROM collection_shares WHERE collection_id = ?", (collection_id,))
            conn.execute("DELETE FROM collections WHERE id = ?", (collection_id,))

    def set_shares(self, collection_id: str, shares: dict[str, ShareRole]) -> None:
        """Replaces every share at once: the form and the API both send the whole list."""
        with self._pool.write() as conn:
            conn.execute("DELETE FROM collection_shares WHERE collection_id = ?", (collection_id,))
            conn.executemany(
                "INSERT INTO collection_shares(collection_id, group_name, role) VALUES (?, ?, ?)",
                [(collection_id, group, role.value) for group, role in sorted(shares.items())],
            )
            conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (now(), collection_id))

    def add_items(self, collection_id: str, asset_ids: Iterable[str], actor: str) -> list[str]:
        """The ids that were not in the collection yet, now added."""
        stamp = now()
        added: list[str] = []
        with self._pool.write() as conn:
            for asset_id in dict.fromkeys(asset_ids):
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO collection_items(collection_id, asset_id, added_by, added_at) "
                    "VALUES (?, ?, ?, ?)",
                    (collection_id, asset_id, actor, stamp),
                )
                if cursor.rowcount:
                    added.append(asset_id)
            if added:
                conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (stamp, collection_id))
        return added

    def remove_items(self, collection_id: str, asset_ids: Iterable[str]) -> list[str]:
        """The ids that were in the collection, now removed."""
        removed: list[str] = []
        with self._pool.write() as conn:
            for asset_id in dict.fromkeys(asset_ids):
                cursor = conn.execute(
                    "DELETE FROM collection_items WHERE collection_id = ? AND asset_id = ?", (collection_id, asset_id)
                )
                if cursor.rowcount:
                    removed.append(asset_id)
            if removed:
                conn.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (now(), collection_id))
        return removed

    def item_ids(self, collection_id: str) -> list[str]:
        """Every item, oldest first (the order a download lists them in)."""
        rows = self._pool.get().execute(
            "SELECT asset_id FROM collection_items WHERE collection_id = ? ORDER BY added_at, rowid", (collection_id,)
        )
        return [row[0] for row in rows]

    def containing(self, asset_id: str, collection_ids: Iterable[str]) -> set[str]:
        """Which of these collections hold the asset (the asset page marks them)."""
        rows = self._pool.get().execute(
            "SELECT collection_id FROM collection_items WHERE asset_id = ? "
            "AND collection_id IN (SELECT value FROM json_each(?))",
            (asset_id, json.dumps(list(collection_ids))),
        )
        return {row[0] for row in rows}

    @staticmethod
    def _collection(conn: sqlite3.Connection, row: tuple[str, str, str, str, str, str, int]) -> Collection:
        shares = conn.execute(
            "SELECT group_name, role FROM collection_shares WHERE collection_id = ? ORDER BY group_name", (row[0],)
        )
        return Collection(*row, shares={group: ShareRole(role) for group, role in shares})
