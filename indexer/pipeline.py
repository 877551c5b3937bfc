"""Wires the stages: scan the folder, then per batch decide, derive, embed and write.

Work goes batch by batch (`encode_batch_size` files) so memory stays bounded on any library
size and a crash mid-run keeps everything written so far; re-running picks up from there,
because unchanged files are recognised by content hash and skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from indexer.changes import Action, Decision, decide
from indexer.derive import content_hash, derive_image, exif_taken_at, file_modified_at
from indexer.encode import Draft, Embedder
from indexer.report import IndexProblem, IndexReport, Reason, validation_detail, write_error_report
from indexer.sources import Candidate, scan
from indexer.write import write_drafts
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import AssetNotFound, InvalidImage, InvalidImageKind
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store

__all__ = ["IndexReport", "run_index"]

_IMAGE_REASONS: dict[InvalidImageKind, Reason] = {
    "unsupported_format": Reason.unsupported_format,
    "too_large": Reason.too_large,
    "not_an_image": Reason.not_an_image,
    "corrupt": Reason.corrupt,
    "invalid": Reason.invalid_image,
}


class _IndexRun:
    """State shared by the batches of one run: one `indexed_at` for all, the stored fingerprints."""

    def __init__(self, settings: Settings, store: AssetStore, embedder: Embedder, report: IndexReport) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.report = report
        self.known = store.fingerprints()
        self.now = datetime.now(UTC)

    def process(self, batch: Sequence[Candidate]) -> None:
        drafts = [draft for draft in map(self._prepare, batch) if draft is not None]
        complete, problems = self.embedder.embed(drafts)
        self.report.failed.extend(problems)
        written, problems = write_drafts(self.store, complete)
        self.report.indexed += written
        self.report.failed.extend(problems)

    def _fail(self, path: Path, reason: Reason, detail: str) -> None:
        self.report.failed.append(IndexProblem.of(path, reason, detail))

    def _read(self, path: Path) -> tuple[bytes, datetime] | None:
        try:
            data, modified = path.read_bytes(), file_modified_at(path)
        except OSError as exc:
            self._fail(path, Reason.unreadable, exc.strerror or str(exc))
            return None
        if not data:
            self._fail(path, Reason.empty, "the file is empty (0 bytes)")
            return None
        return data, modified

    def _decide(self, asset_id: str, fields: dict[str, Any]) -> Decision:
        try:
            stored = self.store.get(asset_id)
        except AssetNotFound:  # deleted since the fingerprints were read: index it afresh
            return Decision(Action.derive)
        return decide(
            stored,
            fields,
            self.settings.thumbnails_dir,
            lambda: self.embedder.clip is not None,
            lambda: self.embedder.text is not None,
        )

    def _prepare(self, candidate: Candidate) -> Draft | None:
        """A draft to embed and write, or None when the file is unchanged or failed (both recorded)."""
        path = candidate.path
        read = self._read(path)
        if read is None:
            return None
        data, modified = read
        sha256 = content_hash(data)
        fields = candidate.asset_fields(candidate.metadata.created_at or exif_taken_at(data) or modified)
        try:
            base = Asset.model_validate(fields)  # before any decoding: bad metadata costs nothing
        except ValidationError as exc:
            self._fail(path, Reason.bad_metadata, validation_detail(exc))
            return None
        if self.known.get(base.id) == sha256:
            decision = self._decide(base.id, fields)
            if decision.action is Action.unchanged:
                self.report.unchanged += 1
                return None
            if decision.action is Action.refresh and decision.asset is not None:
                return Draft(path, decision.asset.model_copy(update={"indexed_at": self.now}))
        settings = self.settings
        try:
            derived = derive_image(
                data, sha256, settings.thumbnails_dir, settings.thumbnail_px, settings.max_image_pixels
            )
        except InvalidImage as exc:
            self._fail(path, _IMAGE_REASONS[exc.kind], str(exc))
            return None
        asset = base.model_copy(update={**derived.facts.as_fields(), "indexed_at": self.now})
        return Draft(path, asset, derived.pixels)


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def run_index(
    settings: Settings,
    root: Path,
    manifest: Path | None,
    *,
    strict: bool = False,
    report_path: Path | None = None,
    quiet: bool = False,
    store: AssetStore | None = None,
    encoders: Encoders | None = None,
    console: Console | None = None,
) -> IndexReport:
    """Index every image under `root`; returns what happened to each file.

    Bad files are recorded, never raised; only a run that cannot start (missing folder,
    unusable manifest, unreachable store) raises a `LoupeError`. A store or encoders passed
    in are the caller's to close; otherwise they are opened from `settings`. Warnings (a
    missing model) go to `console` (stderr by default) even when `quiet`, which only hides
    the progress bar.
    """
    console = console or Console(stderr=True)
    scanned = scan(root, manifest, exclude=(settings.data_dir, settings.thumbnails_dir))
    report = IndexReport(failed=scanned.failed, skipped=scanned.skipped, strict=strict)

    def warn(message: str) -> None:
        report.warnings.append(message)
        console.print(f"warning: {message}", style="yellow", markup=False, highlight=False, soft_wrap=True)

    embedder = Embedder(encoders or Encoders.from_settings(settings), settings.encode_batch_size, warn)
    active = store if store is not None else open_store(settings)
    try:
        run = _IndexRun(settings, active, embedder, report)
        size = settings.encode_batch_size
        with _progress(console, quiet) as progress:
            task = progress.add_task("Indexing", total=len(scanned.candidates))
            for start in range(0, len(scanned.candidates), size):
                batch = scanned.candidates[start : start + size]
                run.process(batch)
                progress.advance(task, len(batch))
    finally:
        if store is None:
            active.close()
    if report_path is not None:
        write_error_report(report, report_path)
    return report
