"""The librarian's own state (decisions, duplicate pairs, vocabulary, pending merges) in a SQLite file.

It lives beside the asset store whichever backend serves search: these are workflow
records, not searchable asset fields, and they must survive a reindex. Columns added later
are added to an existing file when it is opened (`COLUMNS_ADDED`).
"""

from __future__ import annotations

from pathlib import Path

from loupe_core.store.embedded.connection import ConnectionPool

DDL = [
    "CREATE TABLE IF NOT EXISTS not_duplicates (a TEXT NOT NULL, b TEXT NOT NULL, actor TEXT NOT NULL, "
    "at TEXT NOT NULL, PRIMARY KEY (a, b))",
    "CREATE TABLE IF NOT EXISTS duplicate_pairs (a TEXT NOT NULL, b TEXT NOT NULL, queue TEXT NOT NULL, "
    "score REAL NOT NULL, explanation TEXT NOT NULL DEFAULT '', PRIMARY KEY (a, b))",
    "CREATE INDEX IF NOT EXISTS duplicate_pairs_b ON duplicate_pairs(b)",
    "CREATE TABLE IF NOT EXISTS duplicate_checked (asset_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY, kind TEXT NOT NULL, synonyms TEXT NOT NULL, "
    "prompt TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS suggestion_decisions (asset_id TEXT NOT NULL, term TEXT NOT NULL, "
    "decision TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (asset_id, term))",
    "CREATE TABLE IF NOT EXISTS merge_intents (id INTEGER PRIMARY KEY AUTOINCREMENT, intent TEXT NOT NULL)",
]
COLUMNS_ADDED = [("duplicate_pairs", "explanation", "TEXT NOT NULL DEFAULT ''")]
"""(table, column, definition) that a file created by an earlier version lacks."""


def open_librarian_db(path: Path) -> ConnectionPool:
    path.parent.mkdir(parents=True, exist_ok=True)
    pool = ConnectionPool(path)
    with pool.write() as conn:
        for statement in DDL:
            conn.execute(statement)
        for table, column, definition in COLUMNS_ADDED:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    return pool
