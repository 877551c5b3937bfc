"""Decides each descriptive field from its sources, strongest first, and records which source won.

Explicit beats implicit: a manifest row (what the DAM says) wins over a sidecar (what someone
wrote next to the file), which wins over metadata embedded in the file, which wins over what
the file system implies (the name as a title, the modification time as a date). Precedence
is per field, so a manifest that only sets `owner` keeps the photographer's IPTC keywords.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from indexer.embedded import EmbeddedMetadata
from indexer.source_metadata import METADATA_FIELDS
from indexer.sources import Candidate
from loupe_core.schema import Asset

EMBEDDED_ONLY_FIELDS = frozenset({"camera_make", "camera_model", "lens", "location"})
DESCRIBED_FIELDS = (METADATA_FIELDS - {"id"}) | EMBEDDED_ONLY_FIELDS
"""Every field this module decides; all are reset to their default when no source sets them."""


def asset_fields(candidate: Candidate, embedded: EmbeddedMetadata, modified: datetime) -> dict[str, Any]:
    """The non-content Asset fields with `provenance`; validate with `Asset.model_validate`.

    Defaults are spelled out so a field dropped from every source is cleared on re-index
    rather than kept from the previous run.
    """
    layers: list[tuple[str, dict[str, Any]]] = candidate.layers()
    layers.append(("embedded", embedded.values))
    layers.append(("filesystem", {"title": candidate.path.stem, "created_at": modified}))
    values = {name: Asset.model_fields[name].get_default(call_default_factory=True) for name in DESCRIBED_FIELDS}
    provenance: dict[str, str] = {}
    for name in DESCRIBED_FIELDS:
        for source, found in layers:
            if found.get(name) is not None:
                values[name] = found[name]
                provenance[name] = embedded.sources[name] if source == "embedded" else source
                break
    return {
        **values,
        "id": candidate.asset_id,
        "filename": candidate.path.name,
        "path": str(candidate.path),
        "provenance": dict(sorted(provenance.items())),
    }
