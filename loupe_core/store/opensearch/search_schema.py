"""What the OpenSearch compiler reads from the mapping, gathered once per store.

`mappings/assets.json` stays the single source: weights, facet and highlight fields come
from its `_meta`, vector sizes and as-you-type sub-fields from its properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loupe_core.mapping import IndexDefinition

DEFAULT_EF_SEARCH = 100
"""HNSW candidates per k-NN query when `LOUPE_HNSW_EF_SEARCH` is unset (never fewer than k)."""


@dataclass(frozen=True)
class SearchSchema:
    """What the compiler reads from the mapping: field weights, facets, highlights, vectors."""

    weights: dict[str, float]
    prefix_fields: tuple[str, ...]
    facet_fields: dict[str, str]
    highlight_fields: tuple[str, ...]
    vector_dimensions: dict[str, int]
    max_result_window: int
    ef_search: int = DEFAULT_EF_SEARCH

    @classmethod
    def from_definition(cls, definition: IndexDefinition, ef_search: int | None = None) -> SearchSchema:
        index_settings = definition.body.get("settings", {}).get("index", {})
        return cls(
            weights=definition.search_weights,
            prefix_fields=_prefix_fields(definition.properties),
            facet_fields=definition.facet_fields,
            highlight_fields=tuple(definition.highlight_fields),
            vector_dimensions={f: definition.vector_dimension(f) for f in definition.fields_of("vector")},
            max_result_window=int(index_settings.get("max_result_window", 10_000)),
            ef_search=DEFAULT_EF_SEARCH if ef_search is None else ef_search,
        )

    @property
    def source_without_vectors(self) -> dict[str, list[str]]:
        return {"excludes": sorted(self.vector_dimensions)}


def _prefix_fields(properties: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    """`search_as_you_type` sub-fields and their shingle sub-fields, as `bool_prefix` expects."""
    fields: list[str] = []
    for name, spec in properties.items():
        for sub, sub_spec in spec.get("fields", {}).items():
            if sub_spec.get("type") == "search_as_you_type":
                root = f"{name}.{sub}"
                fields.append(root)
                fields.extend(f"{root}._{n}gram" for n in range(2, int(sub_spec.get("max_shingle_size", 3)) + 1))
    return tuple(fields)
