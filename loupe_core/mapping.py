"""Reads `mappings/*.json`, the single source of the index's fields, for every backend.

OpenSearch sends the body as-is; the embedded backend asks this module which fields are
full-text (and their weights), which are exact-match lists, dates, numbers and vectors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

FieldKind = Literal["text", "keyword", "date", "number", "vector", "stored", "structured"]

_NUMBER_TYPES = {"integer", "long", "float", "double", "short"}
_STRUCTURED_TYPES = {"object", "geo_point"}
"""Values with inner fields (`{"lat": .., "lon": ..}`, a provenance map): kept in the document, not a column."""


@dataclass(frozen=True)
class IndexDefinition:
    """One index body plus what Loupe derives from it."""

    name: str
    body: dict[str, Any]

    @property
    def version(self) -> int:
        return int(self.body["mappings"]["_meta"]["version"])

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        return dict(self.body["mappings"]["properties"])

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.body["mappings"]["_meta"])

    def field_kind(self, field: str) -> FieldKind:
        spec = self.properties[field]
        kind = spec["type"]
        if kind == "text":
            return "text"
        if kind == "knn_vector":
            return "vector"
        if kind == "date":
            return "date"
        if kind in _NUMBER_TYPES:
            return "number"
        if kind == "keyword":
            return "keyword" if spec.get("index", True) else "stored"
        if kind in _STRUCTURED_TYPES:
            return "structured"
        raise ValueError(f"unsupported field type {kind!r} for {field!r} in {self.name}")

    def fields_of(self, kind: FieldKind) -> list[str]:
        return [f for f in self.properties if self.field_kind(f) == kind]

    @property
    def search_weights(self) -> dict[str, float]:
        """Full-text fields in ranking order with their boosts (title > tags > description > filename)."""
        return {k: float(v) for k, v in self.meta["search_fields"].items()}

    @property
    def facet_fields(self) -> dict[str, str]:
        """Facet name -> the OpenSearch field that aggregates it."""
        return dict(self.meta["facets"])

    @property
    def highlight_fields(self) -> list[str]:
        return list(self.meta["highlight_fields"])

    def vector_dimension(self, field: str) -> int:
        return int(self.properties[field]["dimension"])


@lru_cache(maxsize=8)
def load_index_definition(mappings_dir: Path, name: str) -> IndexDefinition:
    """Parse `<mappings_dir>/<name>.json`; cached because the files are read-only at run time."""
    path = mappings_dir / f"{name}.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    body.pop("_comment", None)
    return IndexDefinition(name=name, body=body)
