"""The descriptive fields a person sets outside the image: in a manifest row or a sidecar file.

Both sources share this model, so a value means the same wherever it was written; the
embedded metadata (EXIF/IPTC/XMP) is read separately and only fills what these leave empty.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from loupe_core.schema import AssetStatus

LIST_SEPARATOR = ";"


class SourceMetadata(BaseModel):
    """Descriptive fields a sidecar or manifest row may set; None means "not given here".

    Unknown keys are ignored because sidecars are often written by other tools (Google
    Takeout uses the same `photo.jpg.json` naming); manifest columns are checked separately.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    id: str | None = Field(default=None, max_length=512)
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    taxonomy: list[str] | None = None
    owner: str | None = None
    groups: list[str] | None = None
    status: AssetStatus | None = None
    license_expires: date | None = None
    credit: str | None = None
    creator: str | None = None
    copyright: str | None = None
    usage_terms: str | None = None
    created_at: datetime | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("tags", "taxonomy", "groups", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        """`"a; b"` -> `["a", "b"]`; a blank string stays absent (pydantic runs this before `_blank_is_absent`)."""
        if isinstance(value, str):
            return [part for part in (p.strip() for p in value.split(LIST_SEPARATOR)) if part] or None
        return value

    def given(self) -> dict[str, Any]:
        """The descriptive fields this source sets (everything but `id`)."""
        return self.model_dump(exclude={"id"}, exclude_none=True)


METADATA_FIELDS = frozenset(SourceMetadata.model_fields)
