"""What every asset template needs about one asset and the person looking at it.

The page, the inline edit form and the suggestion panel all re-render the metadata block, so
they build it here once: the same permission answers (edit, download, librarian tools) everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from loupe_core.accounts.permissions import Permission, may
from loupe_core.librarian.editing import can_edit
from loupe_core.principal import Principal
from loupe_core.schema import Asset
from search_api.schemas import asset_detail
from web.asset_metadata import metadata_sections


def asset_view(asset: Asset, principal: Principal) -> dict[str, Any]:
    today = date.today()
    detail = asset_detail(asset, today)
    return {
        "asset": detail,
        "sections": metadata_sections(asset, today),
        "editable": can_edit(principal, asset),
        "downloadable": bool(asset.path) and may(principal, Permission.download),
        "librarian": may(principal, Permission.librarian_reports),
        "preview_url": f"{detail.url}/preview" if asset.preview else detail.thumbnail_url,
    }
