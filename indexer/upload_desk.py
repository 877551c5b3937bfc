"""Takes uploaded images into the library as drafts, each file on its own.

Per file, cheapest refusal first: size, then the image header (type, pixel count), then the
exact-duplicate check by content hash; only then is the file stored in the managed folder and
run through the indexer's stages (`upload_ingest`). A file that fails after it was stored is
removed again, and a crash in between leaves only a file without an asset, which the next
sweep removes (`upload_folder`), so neither half of an upload outlives a failure.

The API and the web page both call `upload` and render its outcomes: one bad file never costs
the others, and the reasons are stable codes (`UploadProblem`) that each adapter maps once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from indexer.derive import DeriveSpec
from indexer.derive_settings import derive_spec
from indexer.encode import Embedder
from indexer.report import Reason
from indexer.upload_folder import UploadFolder
from indexer.upload_ingest import IngestProblem, StoredUpload, ingest_upload
from loupe_core.accounts.permissions import Permission, may
from loupe_core.accounts.store import AccountStore
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import AssetNotFound, Forbidden, InvalidImage, InvalidImageKind, InvalidUpload, LoupeError
from loupe_core.images import decoding_errors, file_type_of, open_checked
from loupe_core.librarian.duplicates import DuplicateFinder
from loupe_core.librarian.pair_lookup import pairs_of
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool

log = logging.getLogger("loupe.uploads")
SWEEP_INTERVAL_S = 600.0
"""How often an upload also looks for crash leftovers (the sweep lists the whole folder)."""
RateCheck = Callable[[str], float]
"""User id -> seconds until they may upload another file; 0: now (and the file is counted)."""


class UploadProblem(StrEnum):
    """Why a file was refused: stable codes that the API and the page each map to a status once."""

    empty_file = "empty_file"
    too_large = "too_large"
    wrong_type = "wrong_type"
    corrupt = "corrupt"
    too_many_pixels = "too_many_pixels"
    duplicate = "duplicate"
    bad_metadata = "bad_metadata"
    rate_limited = "rate_limited"
    not_stored = "not_stored"


_IMAGE_PROBLEMS: dict[InvalidImageKind, UploadProblem] = {
    "unsupported_format": UploadProblem.wrong_type,
    "not_an_image": UploadProblem.wrong_type,
    "too_large": UploadProblem.too_many_pixels,
    "corrupt": UploadProblem.corrupt,
    "invalid": UploadProblem.corrupt,
}
_INGEST_PROBLEMS: dict[Reason, UploadProblem] = {
    Reason.unsupported_format: UploadProblem.wrong_type,
    Reason.not_an_image: UploadProblem.wrong_type,
    Reason.too_large: UploadProblem.too_many_pixels,
    Reason.empty: UploadProblem.empty_file,
    Reason.bad_metadata: UploadProblem.bad_metadata,
}
"""Everything else (corrupt, unreadable, encode or write failures) is `corrupt` or `not_stored`, below."""


class UploadMetadata(BaseModel):
    """What an uploader may set for the files of one request; owner and status are Loupe's to set."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=20_000)
    tags: list[str] = Field(default_factory=list, max_length=500)
    taxonomy: list[str] = Field(default_factory=list, max_length=100)
    groups: list[str] | None = Field(default=None, max_length=100)
    """None: the uploader's own groups."""
    license_expires: date | None = None
    credit: str | None = Field(default=None, max_length=1000)


@dataclass(frozen=True)
class Incoming:
    """One file of a request; the desk reads it when its turn comes, at most one byte past the size limit,
    so a batch never holds more than one file in memory."""

    filename: str | None
    source: BinaryIO


@dataclass(frozen=True)
class LookAlike:
    asset_id: str
    title: str
    queue: str
    explanation: str


@dataclass(frozen=True)
class UploadOutcome:
    filename: str
    asset: Asset | None = None
    """The draft written; None when the file was refused."""
    problem: UploadProblem | None = None
    detail: str = ""
    existing: str | None = None
    """For a refused exact duplicate: the asset it duplicates, when the uploader may see it."""
    existing_title: str = ""
    looks_like: tuple[LookAlike, ...] = ()
    """Visual or near duplicates the uploader may see, now queued for a librarian."""


def client_name(raw: str | None) -> str:
    """The last part of the name the client sent, printable, at most 255 characters: only ever shown."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "upload"


def new_asset_id() -> str:
    return f"upload-{secrets.token_hex(10)}"


class UploadDesk:
    def __init__(
        self,
        settings: Settings,
        store: AssetStore,
        encoders: Encoders,
        duplicates: DuplicateFinder,
        librarian_db: ConnectionPool,
        accounts: AccountStore,
        rate_check: RateCheck,
    ) -> None:
        self.settings = settings
        self.store = store
        self.encoders = encoders
        self.duplicates = duplicates
        self.librarian_db = librarian_db
        self.accounts = accounts
        self.rate_check = rate_check
        self.folder = UploadFolder(settings.uploads_dir)
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()
        self._swept_at = float("-inf")

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.encoders, self.settings.encode_batch_size, log.warning)

    @cached_property
    def spec(self) -> DeriveSpec:
        """The indexer's spec; loading the image encoder here tells it the encoder's input size."""
        return derive_spec(self.settings, self.embedder.input_size())

    def sweep(self) -> list[Path]:
        """Remove stored files that never got their asset (a crash mid-upload): the first upload after start-up
        sweeps, and one every `SWEEP_INTERVAL_S` after that."""
        self._swept_at = time.monotonic()
        removed = self.folder.sweep(lambda ids: set(self.store.get_many(ids)), self.settings.upload_orphan_grace_s)
        for path in removed:
            log.warning("removed %s: an upload that never became an asset", path)
        return removed

    def upload(
        self,
        principal: Principal,
        files: Sequence[Incoming],
        metadata: UploadMetadata,
        allow_duplicate: bool = False,
    ) -> list[UploadOutcome]:
        """One outcome per file, in order; raises only for what concerns the whole request."""
        if not may(principal, Permission.upload):
            raise Forbidden("your role may not upload")
        if allow_duplicate and not may(principal, Permission.edit_any):
            raise Forbidden("only librarians and admins may upload an exact duplicate (allow_duplicate)")
        if not files:
            raise InvalidUpload("the request holds no files: attach one or more images")
        if len(files) > self.settings.max_upload_files:
            raise InvalidUpload(f"{len(files)} files in one request; at most {self.settings.max_upload_files}")
        values = self._values(principal, metadata)
        if time.monotonic() - self._swept_at >= SWEEP_INTERVAL_S:
            self.sweep()
        outcomes = [self._take(principal, file, values, allow_duplicate) for file in files]
        if any(o.asset is not None for o in outcomes):
            outcomes = self._with_look_alikes(principal, outcomes)
        return outcomes

    def _values(self, principal: Principal, metadata: UploadMetadata) -> dict[str, Any]:
        """The uploader's values plus what Loupe decides: a draft, owned by them, seen by their groups."""
        groups = sorted(principal.groups) if metadata.groups is None else metadata.groups
        foreign = sorted(set(groups) - principal.groups)
        if foreign and not may(principal, Permission.edit_any):
            raise Forbidden(f"you may share uploads only with your own groups, not {', '.join(foreign)}")
        given = metadata.model_dump(exclude_none=True, exclude={"groups"})
        return {**given, "groups": groups, "owner": principal.user_id, "status": AssetStatus.draft}

    def _refused(self, name: str, problem: UploadProblem, detail: str) -> UploadOutcome:
        return UploadOutcome(name, problem=problem, detail=detail)

    def _take(self, principal: Principal, file: Incoming, values: dict[str, Any], allow: bool) -> UploadOutcome:
        name = client_name(file.filename)
        limit = self.settings.max_upload_bytes
        data = file.source.read(limit + 1)
        if not data:
            return self._refused(name, UploadProblem.empty_file, "the file is empty (0 bytes)")
        if len(data) > limit:
            return self._refused(name, UploadProblem.too_large, f"the file is over the limit of {limit:,} bytes")
        try:
            with decoding_errors():
                file_type = file_type_of(open_checked(data, self.settings.max_image_pixels))
        except InvalidImage as exc:
            return self._refused(name, _IMAGE_PROBLEMS[exc.kind], str(exc))
        if wait := self.rate_check(principal.user_id):
            return self._refused(name, UploadProblem.rate_limited, f"upload limit reached; try again in {wait:.0f} s")
        sha256 = hashlib.sha256(data).hexdigest()
        with self._claimed(sha256) as claimed:
            if not claimed:
                return self._refused(name, UploadProblem.duplicate, "the same file is being uploaded right now")
            if not allow and (copies := [i for i, s in self.store.fingerprints().items() if s == sha256]):
                return self._duplicate(principal, name, copies)
            return self._store_and_ingest(principal, name, data, file_type, values)

    @contextmanager
    def _claimed(self, sha256: str) -> Iterator[bool]:
        """Two identical files uploaded at once would both pass the duplicate check: the second waits its turn
        as a duplicate instead."""
        with self._lock:
            claimed = sha256 not in self._in_flight
            self._in_flight.add(sha256)
        try:
            yield claimed
        finally:
            if claimed:
                with self._lock:
                    self._in_flight.discard(sha256)

    def _duplicate(self, principal: Principal, name: str, copies: list[str]) -> UploadOutcome:
        for asset_id in sorted(copies):
            try:
                original = self.store.get(asset_id, principal)
            except AssetNotFound:
                continue
            detail = f"already in the library as {asset_id}"
            return UploadOutcome(name, problem=UploadProblem.duplicate, detail=detail, existing=asset_id,
                                 existing_title=original.title)  # fmt: skip
        return self._refused(name, UploadProblem.duplicate, "already in the library")

    def _store_and_ingest(
        self, principal: Principal, name: str, data: bytes, file_type: str, values: dict[str, Any]
    ) -> UploadOutcome:
        asset_id = new_asset_id()
        path = self.folder.write(asset_id, file_type, data)
        upload = StoredUpload(asset_id, path, name, values, principal.user_id)
        try:
            result = ingest_upload(upload, self.spec, self.embedder, self.store, datetime.now(UTC))
        except BaseException:
            self._undo(asset_id, path)
            raise
        if isinstance(result, IngestProblem):
            self.folder.remove(path)
            problem = _INGEST_PROBLEMS.get(result.reason)
            if problem is None:
                stored = result.reason in (Reason.encode_failed, Reason.write_failed)
                problem = UploadProblem.not_stored if stored else UploadProblem.corrupt
            return self._refused(name, problem, result.detail)
        self.accounts.record(
            principal.user_id, "asset.upload", f"asset:{asset_id}", {"file": [None, name], "status": [None, "draft"]}
        )
        return UploadOutcome(name, asset=result)

    def _undo(self, asset_id: str, path: Path) -> None:
        """After a failure mid-ingest: the asset goes if it was written, and the file with it.

        If the store cannot say (it is down), the file stays: an asset may exist, and it must not
        lose its file; the sweep removes the file later if there is none."""
        try:
            self.store.delete([asset_id])
        except LoupeError:
            log.exception("could not undo upload %s; the sweep will look again", asset_id)
            return
        self.folder.remove(path)

    def _with_look_alikes(self, principal: Principal, outcomes: list[UploadOutcome]) -> list[UploadOutcome]:
        """Queue the new pairs now, and tell the uploader which of their matches they may see."""
        try:
            self.duplicates.refresh()
        except LoupeError:
            log.exception("duplicate check after an upload failed; the next refresh queues the pairs")
            return outcomes
        return [replace(o, looks_like=self._look_alikes(principal, o.asset)) if o.asset else o for o in outcomes]

    def _look_alikes(self, principal: Principal, asset: Asset) -> tuple[LookAlike, ...]:
        found: list[LookAlike] = []
        for pair in pairs_of(self.librarian_db, asset.id):
            try:
                other = self.store.get(pair.asset_id, principal)
            except AssetNotFound:
                continue
            found.append(LookAlike(other.id, other.title, pair.queue.value, pair.explanation))
        return tuple(found)
