"""The upload page's form fields as people type them, turned into the core's `UploadMetadata`.

Lists arrive as text (tags comma-separated, categories one per line), as on the edit form; an
empty groups field means "my groups", the same default as the API's absent field.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from indexer.upload_desk import UploadMetadata
from web.forms import LONG_TEXT, OptionalDay, build, split_lines, split_terms


class UploadPageForm(BaseModel):
    title: str = Field(default="", max_length=1000)
    description: str = Field(default="", max_length=LONG_TEXT)
    tags: str = Field(default="", max_length=LONG_TEXT)
    taxonomy: str = Field(default="", max_length=LONG_TEXT)
    groups: str = Field(default="", max_length=LONG_TEXT)
    license_expires: OptionalDay = None
    credit: str = Field(default="", max_length=1000)
    allow_duplicate: bool = False

    def metadata(self) -> UploadMetadata:
        return build(
            lambda: UploadMetadata(
                title=self.title.strip() or None,
                description=self.description.strip() or None,
                tags=split_terms(self.tags),
                taxonomy=split_lines(self.taxonomy),
                groups=split_terms(self.groups) or None,
                license_expires=self.license_expires,
                credit=self.credit.strip() or None,
            )
        )

    def values(self) -> dict[str, str]:
        """What the person typed, to fill the form again under the results."""
        return {
            "title": self.title,
            "description": self.description,
            "tags": self.tags,
            "taxonomy": self.taxonomy,
            "groups": self.groups,
            "license_expires": self.license_expires.isoformat() if self.license_expires else "",
            "credit": self.credit,
        }
