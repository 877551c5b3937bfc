"""HTML form bodies, read as pydantic form models, and their translation into the core's request types.

Browsers send every field as text: lists arrive comma- or line-separated and an empty date is
"". These models accept that shape, then build the same `AssetChanges`, `BulkEdit` and
`VocabularyTerm` the JSON API takes, so both surfaces validate alike. A model that the core
rejects becomes `InvalidQuery` (a 400 page), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from loupe_core.errors import InvalidQuery
from loupe_core.librarian.editing import AssetChanges, BulkEdit
from loupe_core.librarian.vocabulary import VocabularyTerm
from loupe_core.schema import Asset, AssetStatus

LIST_SEPARATORS = re.compile(r"[,;\n]")
LONG_TEXT = 20_000
T = TypeVar("T")


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


OptionalDay = Annotated[date | None, BeforeValidator(_blank_is_none)]
"""A date field a browser may send empty: "" means no date."""


def split_terms(text: str) -> list[str]:
    """`"cat, sofa;\\n cat"` -> `["cat", "sofa"]`: tags and synonyms as people type them."""
    return list(dict.fromkeys(part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()))


def split_lines(text: str) -> list[str]:
    """One value per line, for taxonomy paths (which may hold commas)."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def build(factory: Callable[[], T]) -> T:
    try:
        return factory()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
        raise InvalidQuery(problems) from exc


def edit_form_values(asset: Asset) -> dict[str, str]:
    """An asset's editable fields as the edit form shows them (and as `AssetEditForm.values` returns them)."""
    return {
        "title": asset.title,
        "description": asset.description,
        "tags": ", ".join(asset.tags),
        "taxonomy": "\n".join(asset.taxonomy),
        "status": asset.status.value,
        "license_expires": asset.license_expires.isoformat() if asset.license_expires else "",
        "credit": asset.credit or "",
        "owner": asset.owner or "",
        "groups": ", ".join(asset.groups),
    }


class AssetEditForm(BaseModel):
    title: str = Field(default="", max_length=1000)
    description: str = Field(default="", max_length=LONG_TEXT)
    tags: str = Field(default="", max_length=LONG_TEXT)
    taxonomy: str = Field(default="", max_length=LONG_TEXT)
    status: AssetStatus = AssetStatus.approved
    license_expires: OptionalDay = None
    """Empty keeps the current date: the core treats an absent field as unchanged."""
    credit: str = Field(default="", max_length=1000)
    owner: str = Field(default="", max_length=200)
    """Empty keeps the owner (the field is only shown to those who may hand assets over)."""
    groups: str = Field(default="", max_length=LONG_TEXT)
    groups_shown: bool = False
    """The form showed the groups field, so an empty one means "no groups" (browsers and FastAPI
    send an empty field as if it were absent); without it the groups stay as they are."""
    version: str = Field(default="", max_length=200)
    """The version the form was filled from; empty saves over whatever is there."""

    def changes(self) -> AssetChanges:
        return build(
            lambda: AssetChanges(
                title=self.title.strip(),
                description=self.description.strip(),
                tags=split_terms(self.tags),
                taxonomy=split_lines(self.taxonomy),
                status=self.status,
                license_expires=self.license_expires,
                credit=self.credit.strip(),
                owner=self.owner.strip() or None,
                groups=split_terms(self.groups) if self.groups_shown else None,
            )
        )

    def values(self) -> dict[str, str]:
        """What the person typed, to fill the form again after a conflict."""
        return {
            "title": self.title,
            "description": self.description,
            "tags": self.tags,
            "taxonomy": self.taxonomy,
            "status": self.status.value,
            "license_expires": self.license_expires.isoformat() if self.license_expires else "",
            "credit": self.credit,
            "owner": self.owner,
            "groups": self.groups,
        }


class BulkEditForm(BaseModel):
    ids: list[str] = Field(default_factory=list, max_length=1000)
    add_tags: str = Field(default="", max_length=LONG_TEXT)
    remove_tags: str = Field(default="", max_length=LONG_TEXT)
    set_taxonomy: str = Field(default="", max_length=LONG_TEXT)
    set_status: AssetStatus | Literal[""] = ""
    set_groups: str = Field(default="", max_length=LONG_TEXT)
    set_owner: str = Field(default="", max_length=200)
    return_to: str = Field(default="/", max_length=2000)

    def edit(self) -> BulkEdit:
        if not self.ids:
            raise InvalidQuery("select at least one result to edit")
        return build(
            lambda: BulkEdit(
                ids=self.ids,
                add_tags=split_terms(self.add_tags),
                remove_tags=split_terms(self.remove_tags),
                set_taxonomy=split_lines(self.set_taxonomy) or None,
                set_status=self.set_status or None,
                set_groups=split_terms(self.set_groups) or None,
                set_owner=self.set_owner.strip() or None,
            )
        )


class TermForm(BaseModel):
    term: str = Field(max_length=200)
    kind: Literal["tag", "taxonomy"] = "tag"
    synonyms: str = Field(default="", max_length=LONG_TEXT)
    prompt: str = Field(default="", max_length=300)

    def term_record(self) -> VocabularyTerm:
        return build(
            lambda: VocabularyTerm(
                term=self.term, kind=self.kind, synonyms=split_terms(self.synonyms), prompt=self.prompt.strip()
            )
        )
