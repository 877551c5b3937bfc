"""Brings an embedded database written under an older mapping up to the current layout, in place.

Each row keeps the whole asset as JSON (`doc` plus its vector blobs), so columns, terms and
the FTS table are derived data: when the mapping gains a field or its full-text field list
changes, the store adds the columns, rebuilds the FTS table if needed and re-derives every row
from its own JSON. A library upgrade therefore never needs the images re-read or re-encoded,
and the whole migration is one transaction: if it fails, the old database is left as it was.

The layout in force is recorded in `meta` as a signature; opening a database whose signature
matches costs one lookup.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3

from pydantic import ValidationError

from loupe_core.errors import BackendUnavailable
from loupe_core.store.embedded.layout import EmbeddedLayout
from loupe_core.store.embedded.writer import load_doc, write_asset

log = logging.getLogger("loupe.store.embedded")
SIGNATURE_KEY = "layout"


def layout_signature(layout: EmbeddedLayout) -> str:
    """Everything the SQL layout is derived from; equal signatures mean identical tables."""
    shape = {
        "columns": [(c, layout.sql_type(c)) for c in layout.scalar_columns],
        "lists": layout.list_fields,
        "vectors": [(v, layout.definition.vector_dimension(v)) for v in layout.vector_fields],
        "fts": layout.fts_fields,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


def _stored_signature(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SIGNATURE_KEY,)).fetchone()
    return str(row[0]) if row else None


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def migrate(conn: sqlite3.Connection, layout: EmbeddedLayout) -> int:
    """Run inside the caller's write transaction, after the DDL; returns the number of rows re-derived."""
    signature = layout_signature(layout)
    if _stored_signature(conn) == signature:
        return 0
    rows = int(conn.execute("SELECT count(*) FROM assets").fetchone()[0])
    if rows:
        present = set(_columns(conn, "assets"))
        for column in layout.scalar_columns:
            if column not in present:
                conn.execute(f'ALTER TABLE assets ADD COLUMN "{column}" {layout.sql_type(column)}')
        for column in layout.vector_fields:
            if column not in present:
                conn.execute(f'ALTER TABLE assets ADD COLUMN "{column}" BLOB')
        if _columns(conn, "assets_fts") != layout.fts_fields:
            conn.execute("DROP TABLE assets_fts_vocab")
            conn.execute("DROP TABLE assets_fts")
            for statement in layout.ddl():
                if "assets_fts" in statement:
                    conn.execute(statement)
        vectors = ", ".join(f'"{v}"' for v in layout.vector_fields)
        stored = conn.execute(f"SELECT doc, {vectors} FROM assets ORDER BY rowid").fetchall()  # noqa: S608 — vector column names from the schema layout  # nosec B608
        try:
            for doc, *blobs in stored:
                write_asset(conn, layout, load_doc(doc, dict(zip(layout.vector_fields, blobs, strict=True))))
        except (ValueError, ValidationError) as exc:  # e.g. vectors of another model's dimension
            raise BackendUnavailable(
                f"the embedded store cannot be migrated to the current mapping ({exc}); "
                "the database is unchanged: index into a new LOUPE_DATA_DIR"
            ) from exc
        log.warning("embedded store: migrated %d assets to the current mapping layout", rows)
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SIGNATURE_KEY, signature),
    )
    return rows
