"""Which assets miss metadata the library requires, and which fields they miss.

A title that is just a camera file name (`IMG_0412`, `DSC_1234`...) counts as missing: it
says nothing a searcher would type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel

from loupe_core.schema import Asset

CAMERA_NAME = re.compile(
    r"^(img|dsc|dscn|dscf|dji|gopr|pxl|mvi|sam|wp|p|_mg|_dsc|photo|image|scan)[_\- ]?\d{2,}([_\- ]\d+)*"
    r"(\.[a-z0-9]{2,4})?$",
    re.IGNORECASE,
)


class RequiredField(StrEnum):
    title = "title"
    tags = "tags"
    taxonomy = "taxonomy"
    description = "description"
    license = "license"


def has_meaningful_title(asset: Asset) -> bool:
    title = asset.title.strip()
    return bool(title) and not CAMERA_NAME.match(title) and title != asset.filename


def missing_fields(asset: Asset, required: Iterable[RequiredField]) -> list[RequiredField]:
    checks = {
        RequiredField.title: has_meaningful_title(asset),
        RequiredField.tags: bool(asset.tags),
        RequiredField.taxonomy: bool(asset.taxonomy),
        RequiredField.description: bool(asset.description.strip()),
        RequiredField.license: asset.license_expires is not None or bool(asset.credit),
    }
    return [field for field in required if not checks[field]]


class IncompleteAsset(BaseModel):
    asset: Asset
    missing: list[RequiredField]


class IncompleteReport(BaseModel):
    total: int
    counts: dict[RequiredField, int]
    assets: list[IncompleteAsset]


def incomplete_report(
    assets: Iterable[Asset],
    required: list[RequiredField],
    field: RequiredField | None = None,
    owner: str | None = None,
    group: str | None = None,
) -> IncompleteReport:
    """Counts cover every incomplete asset in scope; `field` narrows the listed ones."""
    counts = dict.fromkeys(required, 0)
    listed: list[IncompleteAsset] = []
    for asset in assets:
        if (owner and asset.owner != owner) or (group and group not in asset.groups):
            continue
        missing = missing_fields(asset, required)
        for name in missing:
            counts[name] += 1
        if missing and (field is None or field in missing):
            listed.append(IncompleteAsset(asset=asset.without_vectors(), missing=missing))
    listed.sort(key=lambda item: (-len(item.missing), item.asset.id))
    return IncompleteReport(total=len(listed), counts=counts, assets=listed)
