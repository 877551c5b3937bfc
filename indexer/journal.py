"""The indexer's own record of each source file, so an interrupted run resumes instead of starting over.

A file moves `encoded` -> `written`. `encoded` is committed after the image encoder ran and
before the store write, and keeps what the write needs (content facts and image vector, by
path and content hash); if the run dies (Ctrl-C, kill -9, the backend going away) the next run
takes both from here instead of decoding and encoding again. `written` drops those blobs and
keeps path -> asset id, which is what `--prune` needs to find the assets of deleted files.

The store stays the truth about what is indexed: a file whose write committed but whose
`written` mark did not is recognised on the next run by its stored content hash. SQLite in
WAL mode makes every commit atomic and durable across kill -9.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY,
  asset_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('encoded', 'written')),
  encoder TEXT NOT NULL DEFAULT '',
  facts TEXT,
  image_vector BLOB,
  updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_asset ON files(asset_id);
"""


@dataclass(frozen=True)
class JournalEntry:
    """A file's row without its blobs: enough to plan a run and to prune."""

    asset_id: str
    sha256: str
    state: str
    encoder: str


@dataclass(frozen=True)
class EncodedFile:
    """What a finished-but-unwritten file needs to be written without decoding or encoding again."""

    path: str
    asset_id: str
    sha256: str
    encoder: str
    facts: dict[str, Any]
    image_vector: list[float] | None


class Journal:
    """One SQLite file in the data folder; used by one indexer process at a time (writes are serialised)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def entries_under(self, root: Path) -> dict[str, JournalEntry]:
        """Every file recorded below `root` (an absolute, resolved folder), by path."""
        prefix = f"{root}/"
        rows = self._conn.execute(
            "SELECT path, asset_id, sha256, state, encoder FROM files WHERE substr(path, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return {row[0]: JournalEntry(*row[1:]) for row in rows}

    def live_asset_ids(self, excluding: Iterable[str]) -> set[str]:
        """Asset ids of every recorded file except `excluding` (paths): those ids must survive a prune."""
        gone = set(excluding)
        return {
            asset_id for path, asset_id in self._conn.execute("SELECT path, asset_id FROM files") if path not in gone
        }

    def known_asset_ids(self) -> set[str]:
        return {row[0] for row in self._conn.execute("SELECT DISTINCT asset_id FROM files")}

    def encoded(self, path: str) -> EncodedFile | None:
        row = self._conn.execute(
            "SELECT asset_id, sha256, encoder, facts, image_vector FROM files WHERE path = ? AND state = 'encoded'",
            (path,),
        ).fetchone()
        if row is None or row[3] is None:
            return None
        vector = None if row[4] is None else np.frombuffer(row[4], dtype=np.float32).tolist()
        return EncodedFile(path, row[0], row[1], row[2], json.loads(row[3]), vector)

    def record_encoded(self, files: Iterable[EncodedFile]) -> None:
        """Committed before the store write: from here on, a crash costs no encoding."""
        rows = [
            (
                f.path,
                f.asset_id,
                f.sha256,
                f.encoder,
                json.dumps(f.facts),
                None if f.image_vector is None else np.asarray(f.image_vector, dtype=np.float32).tobytes(),
                time.time(),
            )
            for f in files
        ]
        self._write(
            "INSERT INTO files(path, asset_id, sha256, state, encoder, facts, image_vector, updated_at) "
            "VALUES (?, ?, ?, 'encoded', ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET asset_id = excluded.asset_id, "
            "sha256 = excluded.sha256, state = 'encoded', encoder = excluded.encoder, facts = excluded.facts, "
            "image_vector = excluded.image_vector, updated_at = excluded.updated_at",
            rows,
        )

    def record_written(self, files: Iterable[tuple[str, str, str]]) -> None:
        """(path, asset id, sha256) of files the store now holds; their kept blobs are dropped."""
        rows = [(path, asset_id, sha, time.time()) for path, asset_id, sha in files]
        self._write(
            "INSERT INTO files(path, asset_id, sha256, state, updated_at) VALUES (?, ?, ?, 'written', ?) "
            "ON CONFLICT(path) DO UPDATE SET asset_id = excluded.asset_id, sha256 = excluded.sha256, "
            "state = 'written', encoder = '', facts = NULL, image_vector = NULL, updated_at = excluded.updated_at",
            rows,
        )

    def forget(self, paths: Iterable[str]) -> None:
        self._write("DELETE FROM files WHERE path = ?", [(path,) for path in paths])

    def _write(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(statement, rows)
