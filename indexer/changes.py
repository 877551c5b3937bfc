"""Decides what a file whose content hash matches the stored asset still needs.

The stored record is compared with the one this run would write, minus what legitimately
differs between runs (`indexed_at`, the vectors). Content-derived fields are taken from the
stored record: same sha256, same pixels. So an edited sidecar re-indexes without decoding the
image, and a run where nothing changed writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from indexer.derive import FACTS_VERSION, DeriveSpec
from loupe_core.curation import apply_curation
from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.feature_files import FeatureFiles
from loupe_core.schema import Asset

VOLATILE_FIELDS = frozenset({"indexed_at", "image_vector", "text_vector"})


class Action(StrEnum):
    unchanged = "unchanged"
    refresh = "refresh"
    """Only descriptive fields changed: reuse content facts and the image vector, re-embed the text."""
    derive = "derive"
    """Decode and derive everything again."""


@dataclass(frozen=True)
class Decision:
    action: Action
    asset: Asset | None = None
    """For `refresh`: the asset as the sources now describe it, without a text vector yet (the
    person's edits are laid over it when it is written)."""


def _comparable(asset: Asset) -> dict[str, Any]:
    return asset.model_dump(exclude=set(VOLATILE_FIELDS))


def renditions_present(asset: Asset, spec: DeriveSpec) -> bool:
    """Both renditions on disk, and the content facts of this indexer version (`FACTS_VERSION`);
    local features too when they are wanted, so a library indexed before them gets them on the next run."""
    return (
        bool(asset.thumbnail and asset.preview)
        and asset.facts_version == FACTS_VERSION
        and (spec.thumbnails_dir / (asset.thumbnail or "")).is_file()
        and (spec.previews_dir / (asset.preview or "")).is_file()
        and (spec.features_dir is None or FeatureFiles(spec.features_dir).has(asset.sha256 or ""))
    )


def decide(
    stored: Asset,
    proposed: dict[str, Any],
    now: datetime,
    spec: DeriveSpec,
    images_available: Callable[[], bool],
    text_available: Callable[[], bool],
) -> Decision:
    """What to do with a file whose sha256 equals `stored.sha256`.

    `proposed` holds the descriptive fields this run computed (a field a person edited counts
    as unchanged unless its source moved, which records a conflict); raises pydantic's
    ValidationError when they do not make a valid asset. The `*_available` callables load a
    model, so they are only asked when a stored vector is missing (an earlier run without it).
    """
    if not renditions_present(stored, spec):
        return Decision(Action.derive)
    if stored.image_vector is None and images_available():
        return Decision(Action.derive)
    updated = Asset.model_validate({**stored.model_dump(), **proposed})
    curated = apply_curation(stored, updated, now).asset
    text_missing = stored.text_vector is None and bool(metadata_text(curated)) and text_available()
    if _comparable(curated) == _comparable(stored) and not text_missing:
        return Decision(Action.unchanged)
    return Decision(Action.refresh, updated.model_copy(update={"text_vector": None}))
