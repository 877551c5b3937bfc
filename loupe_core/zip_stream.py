"""A ZIP archive written as a stream of byte chunks: nothing seeks, no member is held whole in memory.

`zipfile` writes to any object with `write` once `tell` fails: it then marks each member with a
data descriptor (sizes after the data) instead of seeking back to patch the header. Members are
copied in `CHUNK_BYTES` pieces and the chunks leave as soon as they are written, so memory stays
at about one chunk however large the files are. ZIP64 is forced so members over 4 GiB work.
Members are stored, not deflated: originals are JPEG, PNG, WebP or video, already compressed.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ZipMember:
    name: str
    """The path inside the archive."""
    source: Path | bytes
    """A file, copied in chunks, or small contents in hand (a manifest)."""


class _Outbox(io.RawIOBase):
    """Collects what `zipfile` writes until the generator hands it on; cannot tell or seek, on purpose."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._pending.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken, self._pending = b"".join(self._pending), []
        return taken


def _zip_info(name: str, modified: float) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, time.localtime(max(modified, 315_532_800))[:6])  # ZIP dates start in 1980
    info.compress_type = zipfile.ZIP_STORED
    return info


def zip_chunks(members: Iterable[ZipMember], chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The archive's bytes, in order; `members` is read lazily, so it may decide later members as it goes."""
    outbox = _Outbox()
    with zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for member in members:
            if isinstance(member.source, bytes):
                with archive.open(_zip_info(member.name, time.time()), "w", force_zip64=True) as entry:
                    entry.write(member.source)
            else:
                with member.source.open("rb") as source:
                    info = _zip_info(member.name, member.source.stat().st_mtime)
                    with archive.open(info, "w", force_zip64=True) as entry:
                        while chunk := source.read(chunk_bytes):
                            entry.write(chunk)
                            if data := outbox.take():
                                yield data
            if data := outbox.take():
                yield data
    if data := outbox.take():
        yield data
