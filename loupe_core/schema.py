"""The asset record every stage passes around, mirroring `mappings/assets.json`.

The model is written out (not generated) so that code gets type hints; a test asserts that its
fields are exactly the mapping's properties, so the JSON stays the single source of truth.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

_TAXONOMY_SEGMENT = re.compile(r"\s*/\s*")


class AssetStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    archived = "archived"
    retired = "retired"


class LicenseState(StrEnum):
    """Derived at query time from `license_expires`, never stored, so it cannot go stale."""

    none = "none"
    valid = "valid"
    expiring = "expiring"
    expired = "expired"


class GeoPoint(BaseModel):
    """WGS84 coordinates in the shape OpenSearch's `geo_point` accepts (`{"lat": .., "lon": ..}`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


def normalize_taxonomy_path(raw: str) -> str:
    """`" Food / Fruit/ "` -> `"Food/Fruit"`; empty segments are dropped."""
    return "/".join(part for part in _TAXONOMY_SEGMENT.split(raw.strip()) if part)


def taxonomy_ancestors(path: str) -> list[str]:
    """`"Food/Fruit/Apple"` -> `["Food", "Food/Fruit", "Food/Fruit/Apple"]` (what path_hierarchy emits)."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


EDITED = "edited"
"""The provenance of a value a person set in Loupe; it outranks every source."""


class FieldEdit(BaseModel):
    """Who set a field in Loupe and when, and the sources' value at that moment.

    `source_value` is the baseline a later index run compares the sources with: only a
    source that moved away from it is news (a conflict); one that still says what it said
    when the person overrode it is not.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: str
    at: datetime
    source_value: Any = None
    source: str | None = None


class FieldConflict(BaseModel):
    """A source changed a field a person had edited; the person's value stays until someone decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edited_value: Any = None
    source_value: Any = None
    source: str | None = None
    at: datetime


class Asset(BaseModel):
    """One indexed asset: descriptive metadata, rights, technical facts and embeddings."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=512)
    title: str = ""
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    filename: str = ""
    taxonomy: list[str] = Field(default_factory=list)
    owner: str | None = None
    groups: list[str] = Field(default_factory=list)
    status: AssetStatus = AssetStatus.approved
    credit: str | None = None
    creator: str | None = None
    copyright: str | None = None
    usage_terms: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    lens: str | None = None
    location: GeoPoint | None = None
    colors: list[str] = Field(default_factory=list)
    """The image's dominant colours as hex values, largest share first."""
    color_families: list[str] = Field(default_factory=list)
    """Palette names (`blue`, `brown`, ...) covering a real share of the picture: the colour facet."""
    color_lab: list[int] = Field(default_factory=list)
    """`colors` in CIELAB, packed as integers (`loupe_core.colour_space.pack_lab`) so that both backends
    compute the same ΔE with integer arithmetic."""
    ocr_text: str = ""
    """Words read from the pixels (signs, labels, posters); searchable below title and tags."""
    file_type: str | None = None
    orientation: str | None = None
    path: str | None = None
    thumbnail: str | None = None
    preview: str | None = None
    sha256: str | None = None
    phash: str | None = None
    dhash: str | None = None
    width: int | None = None
    height: int | None = None
    aspect_ratio: float | None = None
    megapixels: float | None = None
    facts_version: int | None = None
    """Which indexer version derived the content facts: an older one is derived again on the next run."""
    bytes: int | None = None
    created_at: datetime | None = None
    indexed_at: datetime | None = None
    license_expires: date | None = None
    image_vector: list[float] | None = None
    text_vector: list[float] | None = None
    provenance: dict[str, str] = Field(default_factory=dict)
    """Field name -> where its value came from (`edited`, `manifest`, `sidecar`, `iptc`, `xmp`, `exif`, ...)."""
    edits: dict[str, FieldEdit] = Field(default_factory=dict)
    """Field name -> the person's edit that set it (its provenance is `edited`)."""
    conflicts: dict[str, FieldConflict] = Field(default_factory=dict)
    """Field name -> a source value that disagrees with a person's edit, waiting for a decision."""

    @field_validator("tags", "groups")
    @classmethod
    def _clean_terms(cls, values: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for value in values:
            term = value.strip()
            if term:
                seen.setdefault(term, None)
        return list(seen)

    @field_validator("taxonomy")
    @classmethod
    def _clean_taxonomy(cls, values: list[str]) -> list[str]:
        paths = (normalize_taxonomy_path(v) for v in values)
        return list(dict.fromkeys(p for p in paths if p))

    @field_validator("created_at", "indexed_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def license_state(self, today: date, expiring_days: int = 30) -> LicenseState:
        return license_state(self.license_expires, today, expiring_days)

    def without_vectors(self) -> Asset:
        return self.model_copy(update={"image_vector": None, "text_vector": None})


def license_state(expires: date | None, today: date, expiring_days: int = 30) -> LicenseState:
    if expires is None:
        return LicenseState.none
    remaining = (expires - today).days
    if remaining < 0:
        return LicenseState.expired
    if remaining <= expiring_days:
        return LicenseState.expiring
    return LicenseState.valid
