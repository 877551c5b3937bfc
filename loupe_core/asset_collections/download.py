"""A collection as a streamed ZIP: the originals the caller may download, then `manifest.csv`.

Files are copied in chunks straight into the response (`loupe_core.zip_stream`), so a collection of
many gigabytes costs the server about one chunk of memory. The manifest lists every item the caller
can see, with what happened to it (included, or why not); items they cannot see are one counted
line, never named. When the whole archive has been sent, `DownloadRecorder` is told which assets
left the server (the usage reports count them); an interrupted download records nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from loupe_core.accounts.permissions import Permission, may
from loupe_core.asset_collections.service import CollectionService
from loupe_core.asset_files import AssetFiles
from loupe_core.errors import AssetNotFound, Forbidden
from loupe_core.principal import Principal
from loupe_core.schema import Asset
from loupe_core.zip_stream import ZipMember, zip_chunks

MANIFEST = "manifest.csv"
MANIFEST_HEADER = ("asset_id", "title", "file", "bytes", "sha256", "result")
INCLUDED = "included"
NO_FILE = "skipped: the original file is not available"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNSAFE_NAME = re.compile(r"[^\w .()-]+")


class DownloadRecorder(Protocol):
    """Told once per completed download which assets it delivered (`kind`: "zip")."""

    def __call__(self, principal: Principal, asset_ids: Sequence[str], kind: str) -> None: ...


@dataclass(frozen=True)
class ZipDownload:
    filename: str
    chunks: Iterator[bytes]


def archive_name(name: str, fallback: str) -> str:
    """A file name any file system takes: word characters, spaces, dots, brackets and dashes."""
    cleaned = UNSAFE_NAME.sub("_", name).strip(" ._") or fallback
    return cleaned[:100]


def _unique(name: str, taken: set[str]) -> str:
    """`photo.jpg`, then `photo (2).jpg`: two assets may share a file name, the ZIP must not."""
    candidate, path, number = name, PurePosixPath(name), 2
    while candidate.casefold() in taken:
        candidate = f"{path.stem} ({number}){path.suffix}"
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _cell(value: object) -> str:
    """Spreadsheets run cells starting like a formula; a leading quote keeps a title a title."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CollectionDownloads:
    def __init__(
        self, collections: CollectionService, files: AssetFiles, record_download: DownloadRecorder | None = None
    ) -> None:
        """`record_download`: the usage log's hook, None where nothing counts downloads."""
        self._collections = collections
        self._files = files
        self._record_download = record_download

    def zip(self, principal: Principal, collection_id: str) -> ZipDownload:
        """Checks access now (so a refusal is a clean 403/404), then streams lazily."""
        if not may(principal, Permission.download):
            raise Forbidden("your role may not download originals")
        view = self._collections.view(principal, collection_id)
        name = archive_name(view.collection.name, "collection")
        return ZipDownload(f"{name}.zip", self._chunks(principal, collection_id, view.hidden_count))

    def _chunks(self, principal: Principal, collection_id: str, hidden: int) -> Iterator[bytes]:
        delivered: list[str] = []
        yield from zip_chunks(self._members(principal, collection_id, hidden, delivered))
        if self._record_download is not None and delivered:
            self._record_download(principal, delivered, "zip")

    def _members(
        self, principal: Principal, collection_id: str, hidden: int, delivered: list[str]
    ) -> Iterator[ZipMember]:
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(MANIFEST_HEADER)
        taken = {MANIFEST.casefold()}
        for asset in self._collections.visible_assets(principal, collection_id):
            member = self._member(asset, taken)
            if member is None:
                writer.writerow([_cell(v) for v in (asset.id, asset.title, "", "", asset.sha256, NO_FILE)])
                continue
            writer.writerow(
                [_cell(v) for v in (asset.id, asset.title, member.name, asset.bytes, asset.sha256, INCLUDED)]
            )
            delivered.append(asset.id)
            yield member
        if hidden:
            writer.writerow(
                ["", "", "", "", "", f"not included: {hidden} item{'s' if hidden != 1 else ''} you can't see"]
            )
        yield ZipMember(MANIFEST, manifest.getvalue().encode("utf-8"))

    def _member(self, asset: Asset, taken: set[str]) -> ZipMember | None:
        try:
            path = self._files.original(asset)
        except AssetNotFound:
            return None
        return ZipMember(_unique(archive_name(asset.filename or path.name, asset.id), taken), path)
