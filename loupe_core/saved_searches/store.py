"""Saved searches persistence (SQLite, WAL, under the data folder): one row per search, private to its owner."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loupe_core.saved_searches.saved_query import SavedQuery
from loupe_core.store.embedded.connection import ConnectionPool, open_with_schema

DDL = [
    """CREATE TABLE IF NOT EXISTS saved_searches (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL,
  created_at TEXT NOT NULL, last_run_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS saved_searches_owner ON saved_searches(owner)",
]
_BY_ID = "SELECT id, owner, name, query, created_at, last_run_at FROM saved_searches WHERE id = ?"
_BY_OWNER = (
    "SELECT id, owner, name, query, created_at, last_run_at FROM saved_searches "
    "WHERE owner = ? ORDER BY name COLLATE NOCASE, id"
)


@dataclass(frozen=True)
class SavedSearch:
    id: str
    owner: str
    name: str
    query: SavedQuery
    created_at: datetime
    last_run_at: datetime
    """When its owner last ran it (saving counts: they were looking at the results)."""


def open_saved_searches_db(path: Path) -> ConnectionPool:
    return open_with_schema(path, DDL)


def _saved(row: tuple[str, str, str, str, str, str]) -> SavedSearch:
    return SavedSearch(
        id=row[0],
        owner=row[1],
        name=row[2],
        query=SavedQuery.model_validate_json(row[3]),
        created_at=datetime.fromisoformat(row[4]),
        last_run_at=datetime.fromisoformat(row[5]),
    )


class SavedSearchStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(self, owner: str, name: str, query: SavedQuery) -> SavedSearch:
        stamp = datetime.now(UTC)
        saved = SavedSearch(secrets.token_urlsafe(9), owner, name, query, stamp, stamp)
        with self._pool.write() as conn:
            conn.execute(
                "INSERT INTO saved_searches(id, owner, name, query, created_at, last_run_at) VALUES (?, ?, ?, ?, ?, ?)",
                (saved.id, owner, name, query.model_dump_json(), stamp.isoformat(), stamp.isoformat()),
            )
        return saved

    def get(self, saved_id: str) -> SavedSearch | None:
        row = self._pool.get().execute(_BY_ID, (saved_id,)).fetchone()
        return _saved(row) if row else None

    def owned_by(self, owner: str) -> list[SavedSearch]:
        rows = self._pool.get().execute(_BY_OWNER, (owner,))
        return [_saved(row) for row in rows]

    def rename(self, saved_id: str, name: str) -> None:
        with self._pool.write() as conn:
            conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (name, saved_id))

    def mark_run(self, saved_id: str, at: datetime) -> None:
        with self._pool.write() as conn:
            conn.execute("UPDATE saved_searches SET last_run_at = ? WHERE id = ?", (at.isoformat(), saved_id))

    def delete(self, saved_id: str) -> None:
        with self._pool.write() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved_id,))
