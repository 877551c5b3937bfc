"""The SQLite layout, derived from the asset mapping so both backends share one field list.

Single-valued exact fields become columns; list-valued ones (tags, groups, taxonomy and the
taxonomy ancestors) go to `asset_terms`; full-text fields feed an FTS5 table in the mapping's
weight order; vectors are float32 BLOBs in the row so a write is atomic with its metadata.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cached_property

from loupe_core.mapping import IndexDefinition
from loupe_core.schema import Asset

TAXONOMY_TREE = "taxonomy.tree"
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _is_list_field(name: str) -> bool:
    annotation = Asset.model_fields[name].annotation
    return typing.get_origin(annotation) is list and name not in ("image_vector", "text_vector")


@dataclass(frozen=True)
class EmbeddedLayout:
    definition: IndexDefinition

    @cached_property
    def fts_fields(self) -> list[str]:
        return list(self.definition.search_weights)

    @cached_property
    def fts_weights(self) -> list[float]:
        return list(self.definition.search_weights.values())

    @cached_property
    def list_fields(self) -> list[str]:
        return [f for f in self.definition.properties if f != "id" and _is_list_field(f)]

    @cached_property
    def scalar_columns(self) -> list[str]:
        """Filterable/sortable single-valued fields stored as columns (besides the JSON doc)."""
        skip = {"id", *self.list_fields, *self.definition.fields_of("vector"), *self.definition.fields_of("structured")}
        return [f for f in self.definition.properties if f not in skip and f not in ("description",)]

    @cached_property
    def vector_fields(self) -> list[str]:
        return self.definition.fields_of("vector")

    def ddl(self) -> list[str]:
        columns = ",\n  ".join(f'"{c}" {self.sql_type(c)}' for c in self.scalar_columns)
        vectors = ",\n  ".join(f'"{v}" BLOB' for v in self.vector_fields)
        fts_columns = ", ".join(self.fts_fields)
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"""CREATE TABLE IF NOT EXISTS assets (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  {columns},
  {vectors}
)""",
            "CREATE INDEX IF NOT EXISTS assets_seq ON assets(seq)",
            "CREATE INDEX IF NOT EXISTS assets_created ON assets(created_at)",
            "CREATE INDEX IF NOT EXISTS assets_indexed ON assets(indexed_at)",
            "CREATE INDEX IF NOT EXISTS assets_status ON assets(status)",
            "CREATE INDEX IF NOT EXISTS assets_sha ON assets(sha256)",
            """CREATE TABLE IF NOT EXISTS asset_terms (
  field TEXT NOT NULL, value TEXT NOT NULL, asset_rowid INTEGER NOT NULL
)""",
            "CREATE INDEX IF NOT EXISTS asset_terms_value ON asset_terms(field, value, asset_rowid)",
            "CREATE INDEX IF NOT EXISTS asset_terms_asset ON asset_terms(asset_rowid)",
            "CREATE TABLE IF NOT EXISTS tombstones (seq INTEGER PRIMARY KEY, asset_rowid INTEGER NOT NULL)",
            f"CREATE VIRTUAL TABLE IF NOT EXISTS assets_fts USING fts5({fts_columns}, tokenize = '{FTS_TOKENIZER}')",
            "CREATE VIRTUAL TABLE IF NOT EXISTS assets_fts_vocab USING fts5vocab(assets_fts, 'row')",
        ]

    def sql_type(self, field: str) -> str:
        kind = self.definition.field_kind(field)
        if kind == "number":
            return "REAL" if self.definition.properties[field]["type"] in ("float", "double") else "INTEGER"
        return "TEXT"
