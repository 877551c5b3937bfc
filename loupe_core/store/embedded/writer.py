"""Row-level writes for the embedded store: one asset = one row, its terms, FTS entry and vectors."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import numpy as np

from loupe_core.schema import Asset, taxonomy_ancestors
from loupe_core.store.embedded.layout import TAXONOMY_TREE, EmbeddedLayout
from loupe_core.store.unit_vectors import normalize

TAG_SEPARATOR = "; "


def next_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "INSERT INTO meta(key, value) VALUES('seq', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value"
    ).fetchone()
    return int(row[0])


def _column_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def vector_blobs(layout: EmbeddedLayout, asset: Asset) -> dict[str, bytes | None]:
    """Validated, unit-length float32 blobs; raises ValueError on a wrong dimension."""
    blobs: dict[str, bytes | None] = {}
    for name in layout.vector_fields:
        vector = getattr(asset, name)
        if vector is None:
            blobs[name] = None
            continue
        expected = layout.definition.vector_dimension(name)
        if len(vector) != expected:
            raise ValueError(f"{name} has {len(vector)} dimensions, the mapping says {expected}")
        blobs[name] = normalize(vector).tobytes()
    return blobs


def fts_values(layout: EmbeddedLayout, asset: Asset) -> list[str]:
    values: list[str] = []
    for name in layout.fts_fields:
        value = getattr(asset, name)
        values.append(TAG_SEPARATOR.join(value) if isinstance(value, list) else (value or ""))
    return values


def write_asset(conn: sqlite3.Connection, layout: EmbeddedLayout, asset: Asset) -> int:
    """Write the row and its derived entries; returns its new write sequence (the asset's version)."""
    blobs = vector_blobs(layout, asset)
    seq = next_seq(conn)
    doc = asset.without_vectors().model_dump_json()
    columns = layout.scalar_columns
    values = [_column_value(getattr(asset, c)) for c in columns]
    names = ["id", "seq", "doc", *columns, *blobs]
    params = [asset.id, seq, doc, *values, *blobs.values()]
    quoted = ", ".join(f'"{n}"' for n in names)
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    row = conn.execute(
        f"INSERT INTO assets ({quoted}) VALUES ({', '.join('?' for _ in names)}) "  # noqa: S608 — column names from the schema layout; values are bound  # nosec B608
        f"ON CONFLICT(id) DO UPDATE SET {updates} RETURNING rowid",
        params,
    ).fetchone()
    rowid = int(row[0])
    conn.execute("DELETE FROM asset_terms WHERE asset_rowid = ?", (rowid,))
    conn.execute("DELETE FROM assets_fts WHERE rowid = ?", (rowid,))
    terms: list[tuple[str, str, int]] = []
    for name in layout.list_fields:
        terms.extend((name, value, rowid) for value in getattr(asset, name))
    for path in asset.taxonomy:
        terms.extend((TAXONOMY_TREE, ancestor, rowid) for ancestor in taxonomy_ancestors(path))
    conn.executemany("INSERT INTO asset_terms(field, value, asset_rowid) VALUES (?, ?, ?)", list(dict.fromkeys(terms)))
    fts = fts_values(layout, asset)
    conn.execute(
        f"INSERT INTO assets_fts(rowid, {', '.join(layout.fts_fields)}) VALUES (?, {', '.join('?' for _ in fts)})",  # noqa: S608 — FTS column names from the schema layout; values are bound  # nosec B608
        [rowid, *fts],
    )
    return seq


def delete_asset(conn: sqlite3.Connection, asset_id: str) -> bool:
    row = conn.execute("SELECT rowid FROM assets WHERE id = ?", (asset_id,)).fetchone()
    if row is None:
        return False
    rowid = int(row[0])
    conn.execute("DELETE FROM assets WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM asset_terms WHERE asset_rowid = ?", (rowid,))
    conn.execute("DELETE FROM assets_fts WHERE rowid = ?", (rowid,))
    conn.execute("INSERT INTO tombstones(seq, asset_rowid) VALUES (?, ?)", (next_seq(conn), rowid))
    return True


def load_doc(doc: str, vectors: dict[str, bytes | None] | None = None) -> Asset:
    data = json.loads(doc)
    if vectors:
        for name, blob in vectors.items():
            data[name] = None if blob is None else np.frombuffer(blob, dtype=np.float32).tolist()
    return Asset.model_validate(data)
