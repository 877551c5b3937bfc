"""Where each content's local features live: one small file per sha256, beside the renditions.

Named by content hash like the renditions, so identical files share one, a rename costs nothing,
and a metadata-only edit never recomputes them; written through a temporary file and a rename,
so a reader (or a killed run) never sees half a file. A file per content rather than a table:
workers in separate processes write them without contending for one database lock.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from loupe_core.local_features import LocalFeatures

SUFFIX = ".orb"


class FeatureFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{SUFFIX}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def write(self, sha256: str, features: LocalFeatures) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(features.to_bytes())
            os.replace(temporary, self.path(sha256))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, sha256: str) -> LocalFeatures | None:
        """None when the file is missing or unreadable (an older index, a damaged disk): such an asset
        is left out of the geometric check until `loupe index` derives it again."""
        try:
            return LocalFeatures.from_bytes(self.path(sha256).read_bytes())
        except (OSError, ValueError):
            return None
