"""The managed folder of uploaded originals: files named by asset id, written whole or not at all.

A client never chooses a path: the name is the asset id Loupe made up and the extension the
format Pillow read. A file is written under a temporary name in its final folder, flushed to
disk, then renamed into place (atomic on one file system), so no reader sees half a file.

The asset is written after its file, so a crash between the two leaves a file without an
asset: `sweep` removes those once they are older than a grace period (younger ones may be an
upload still in flight, in this process or another).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


class UploadFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, asset_id: str, file_type: str) -> Path:
        """Two hex characters of fan-out keep any one folder small."""
        return self.root / asset_id[-2:] / f"{asset_id}.{file_type}"

    def write(self, asset_id: str, file_type: str, data: bytes) -> Path:
        target = self.path_of(asset_id, file_type)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        try:
            with partial.open("xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target

    @staticmethod
    def remove(path: Path) -> None:
        with suppress(FileNotFoundError):
            path.unlink()

    def stored(self) -> Iterator[tuple[str, Path]]:
        """(asset id, path) of every file here; a partial file's id is that of the upload it belonged to."""
        if not self.root.is_dir():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                yield path.name.split(".", 1)[0], path

    def sweep(self, existing: Callable[[Iterable[str]], set[str]], grace_s: float) -> list[Path]:
        """Remove files older than `grace_s` with no asset (partial files always have none); returns them.

        `existing`: which of the given ids have an asset."""
        cutoff = time.time() - grace_s
        old = [(asset_id, path) for asset_id, path in self.stored() if _modified(path) <= cutoff]
        kept = existing({asset_id for asset_id, path in old if not path.name.endswith(PARTIAL_SUFFIX)})
        removed = [path for asset_id, path in old if asset_id not in kept or path.name.endswith(PARTIAL_SUFFIX)]
        for path in removed:
            self.remove(path)
        return removed


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # gone meanwhile: nothing to sweep
