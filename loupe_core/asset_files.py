"""The files behind an asset (original, thumbnail, preview), served only from where they belong.

Originals must lie inside the library roots and renditions inside their own folders
(`loupe_core.containment`). A path that escapes (a crafted manifest, a symlink swapped in, a
source edited after indexing) answers exactly like a missing file, and is logged: it means
someone tried, or a library moved.
"""

from __future__ import annotations

import logging
from pathlib import Path

from loupe_core.containment import contained_file
from loupe_core.errors import AssetNotFound
from loupe_core.library_roots import library_roots
from loupe_core.schema import Asset
from loupe_core.settings import Settings

log = logging.getLogger("loupe.files")


class AssetFiles:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def original(self, asset: Asset) -> Path:
        if not asset.path:
            raise AssetNotFound(f"the original file of {asset.id!r} is not available")
        roots = library_roots(self.settings)
        found = contained_file(Path(asset.path), roots)
        if found is None:
            if Path(asset.path).exists():
                log.warning(
                    "refused the original of %r: %s is outside the library roots %s", asset.id, asset.path, roots
                )
            raise AssetNotFound(f"the original file of {asset.id!r} is not available")
        return found

    def thumbnail(self, asset: Asset) -> Path:
        return self._rendition(asset, asset.thumbnail, self.settings.thumbnails_dir, "thumbnail")

    def preview(self, asset: Asset) -> Path:
        return self._rendition(asset, asset.preview, self.settings.previews_dir, "preview")

    @staticmethod
    def _rendition(asset: Asset, name: str | None, folder: Path, kind: str) -> Path:
        found = contained_file(folder / name, [folder]) if name else None
        if found is None:
            if name and (folder / name).exists():
                log.warning("refused the %s of %r: %s is outside %s", kind, asset.id, folder / name, folder)
            raise AssetNotFound(f"asset {asset.id!r} has no {kind}")
        return found
