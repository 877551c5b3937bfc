"""Wires the stages: scan, derive in worker processes, decide, encode and write in batches, prune.

Worker processes read, hash and decode files (`scheduler`, `worker`) while the main process
runs the encoders and writes (`commit`): decoding the next batches overlaps with encoding the
current one. Every file's fate is decided by content hash against the store (unchanged,
metadata-only refresh, or new content) and against the journal (encoded by an interrupted run).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from indexer.changes import Action, decide, renditions_present
from indexer.commit import Batch, Committer
from indexer.derive_settings import derive_spec
from indexer.encode import Draft, Embedder
from indexer.journal import Journal, JournalEntry
from indexer.manifest import ColumnMap
from indexer.path_filter import PathFilter
from indexer.precedence import asset_fields
from indexer.prune import prune_missing
from indexer.report import IndexProblem, IndexReport, Reason, validation_detail, write_error_report
from indexer.scheduler import DerivePool
from indexer.sources import Candidate, scan
from indexer.text_in_image import engine_problem
from indexer.worker import FileFailure, FileResult, FileTask, KnownContent, NewContent
from loupe_core.encoders.device import resolve_device
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import AssetNotFound
from loupe_core.library_roots import remember_root
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store

__all__ = ["IndexReport", "run_index"]


def indexing_settings(settings: Settings) -> Settings:
    """The settings with the cores shared out between worker processes and the encoder's threads.

    Without a GPU both sides are CPU-bound: workers and torch threads beyond the core count only
    take turns (torch's threads spin while they wait, so oversubscription costs more than it
    seems). By default half the cores decode, the rest run the encoder; with a GPU, all but one
    decode. Values set in the settings are kept.
    """
    cores = os.cpu_count() or 2
    on_gpu = resolve_device(settings.device) == "cuda"
    workers = settings.index_workers or max(1, cores - 1 if on_gpu else cores // 2)
    threads = settings.encoder_threads or (0 if on_gpu else max(1, cores - workers))
    return settings.model_copy(update={"index_workers": workers, "encoder_threads": threads})


def worker_count(settings: Settings) -> int:
    """How many worker processes a run with these settings starts."""
    return indexing_settings(settings).index_workers or 1


class _IndexRun:
    """State shared by the files of one run: one `indexed_at` for all, stored and journaled fingerprints."""

    def __init__(
        self, settings: Settings, store: AssetStore, embedder: Embedder, journal: Journal, report: IndexReport
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.journal = journal
        self.report = report
        self.known = store.fingerprints()
        self.now = datetime.now(UTC)
        self.spec = derive_spec(settings)
        self.encoder_ready = False
        self.committer = Committer(store, embedder, journal, report, settings.clip_model, self.now)
        self.batch = Batch()
        self.journaled: dict[str, JournalEntry] = {}

    def run(self, root: Path, candidates: Sequence[Candidate], progress: Progress) -> None:
        self.journaled = self.journal.entries_under(root)
        by_path = {c.path: c for c in candidates}
        reusable: dict[Path, tuple[str, ...]] = {}
        for candidate in candidates:
            entry = self.journaled.get(str(candidate.path))
            shas = {self.known.get(candidate.asset_id)}
            if entry is not None and entry.state == "encoded" and entry.encoder == self.settings.clip_model:
                shas.add(entry.sha256)
            reusable[candidate.path] = tuple(sorted(s for s in shas if s))
        task = progress.add_task("Indexing", total=len(candidates))
        window = max(2 * self.settings.encode_batch_size, 4 * worker_count(self.settings))
        with DerivePool(worker_count(self.settings), window) as pool:
            if any(not shas for shas in reusable.values()):
                pool.start()  # workers boot while the encoder loads
                self._ready_encoder()  # new files: the encoder's input size shapes what workers produce
            for candidate in candidates:
                pool.add(FileTask(candidate.path, self.spec, reusable[candidate.path]))
            waited = time.perf_counter()
            for file_task, result in pool.results():
                self.report.add_time("wait_for_workers", time.perf_counter() - waited)
                for stage, seconds in result.timings.items():
                    self.report.add_time(stage, seconds)
                if (again := self._accept(by_path[file_task.path], result)) is not None:
                    pool.add(again)
                else:
                    progress.advance(task)
                if len(self.batch.drafts) >= self.settings.encode_batch_size:
                    # Full batches only, the rest once the workers are done: ViT-B-32 on one thread costs 110,
                    # 72 and 65 ms an image in batches of 1, 4 and 16. Encoding whatever was ready whenever
                    # the workers were behind kept the encoder busy in batches of 1-4, with CPU that a shared
                    # machine took from the workers; waiting costs one batch of delay at the start.
                    self._commit()
                waited = time.perf_counter()
        self._commit()
        self.committer.flush_settled()

    def _ready_encoder(self) -> None:
        if not self.encoder_ready:
            self.spec = replace(self.spec, encoder_px=self.embedder.input_size())
            self.encoder_ready = True

    def _commit(self) -> None:
        if self.batch.drafts:
            batch, self.batch = self.batch, Batch()
            self.committer.commit(batch)

    def _settle(self, path: Path, asset_id: str, sha256: str) -> None:
        """An unchanged file: its journal row is brought up to date only when it is missing or stale."""
        entry = self.journaled.get(str(path))
        if entry is None or (entry.asset_id, entry.sha256, entry.state) != (asset_id, sha256, "written"):
            self.committer.settle(path, asset_id, sha256)

    def _fail(self, path: Path, reason: Reason, detail: str) -> None:
        self.report.failed.append(IndexProblem.of(path, reason, detail))

    def _validated(self, path: Path, fields: dict[str, Any]) -> Asset | None:
        try:
            return Asset.model_validate(fields)
        except ValidationError as exc:
            self._fail(path, Reason.bad_metadata, validation_detail(exc))
            return None

    def _accept(self, candidate: Candidate, result: FileResult) -> FileTask | None:
        """Record the file's outcome (or batch its draft); returns a task to run again when more is needed."""
        path = candidate.path
        if isinstance(result, FileFailure):
            self._fail(path, result.reason, result.detail)
            return None
        fields = asset_fields(candidate, result.embedded, result.modified)
        if isinstance(result, NewContent):
            if result.encoder_input is None and not self.encoder_ready:
                self._ready_encoder()  # content changed in a run that expected none: derive once more
                if self.spec.encoder_px is not None:
                    return FileTask(path, self.spec)
            asset = self._validated(path, {**fields, **result.facts.as_fields(), "indexed_at": self.now})
            self.report.notices.extend(IndexProblem.of(path, reason, detail) for reason, detail in result.notices)
            if asset is not None:
                pixels = result.encoder_input.image() if result.encoder_input is not None else None
                self.batch.add(Draft(path, asset, pixels), fresh=True)
            return None
        return self._accept_known(candidate, result, fields)

    def _accept_known(self, candidate: Candidate, result: KnownContent, fields: dict[str, Any]) -> FileTask | None:
        """Content this run already has facts for: in the store (maybe unchanged) or in the journal."""
        path = candidate.path
        if self.known.get(candidate.asset_id) == result.sha256:
            try:
                stored = self.store.get(candidate.asset_id)
                decision = decide(
                    stored,
                    fields,
                    self.now,
                    self.spec,
                    lambda: self.embedder.clip is not None,
                    lambda: self.embedder.text is not None,
                )
            except AssetNotFound:  # deleted since the fingerprints were read: index it afresh
                decision = None
            except ValidationError as exc:
                self._fail(path, Reason.bad_metadata, validation_detail(exc))
                return None
            if decision is not None and decision.action is Action.unchanged:
                self.report.unchanged += 1
                self._settle(path, stored.id, result.sha256)
                return None
            if decision is not None and decision.action is Action.refresh and decision.asset is not None:
                self.batch.add(Draft(path, decision.asset.model_copy(update={"indexed_at": self.now})), fresh=False)
                return None
        elif (kept := self.journal.encoded(str(path))) is not None and kept.sha256 == result.sha256:
            update = {**kept.facts, "image_vector": kept.image_vector, "indexed_at": self.now}
            asset = self._validated(path, {**fields, **update})
            if asset is None:
                return None
            if renditions_present(asset, self.spec):
                self.report.reused += 1
                self.batch.add(Draft(path, asset), fresh=False)
                return None
        self._ready_encoder()
        return FileTask(path, self.spec)


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
    column_map: Path | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    prune: bool = False,
) -> IndexReport:
    """Index every image under `root`; returns what happened to each file.

    Bad files are recorded, never raised; only a run that cannot start (missing folder,
    unusable manifest, unreachable store) or whose store goes away raises a `LoupeError`. A
    store or encoders passed in are the caller's to close (and their torch threads the
    caller's to choose); otherwise they are opened from `settings`, see `indexing_settings`.
    Warnings (a missing model) go to `console` (stderr by default) even when `quiet`, which
    only hides the progress bar. `prune` deletes the assets of files under `root` that no
    longer exist.
    """
    started = time.perf_counter()
    settings = indexing_settings(settings)
    console = console or Console(stderr=True)
    columns = ColumnMap.load(column_map) if column_map is not None else None
    only = PathFilter.from_globs(tuple(include), tuple(exclude))
    own_files = (
        settings.data_dir,
        settings.thumbnails_dir,
        settings.previews_dir,
        *([column_map] if column_map else []),
    )
    scanned = scan(root, manifest, exclude=own_files, column_map=columns, only=only)
    remember_root(settings, root)  # the server serves originals from indexed roots only
    report = IndexReport(failed=scanned.failed, skipped=scanned.skipped, strict=strict)

    def warn(message: str) -> None:
        report.warnings.append(message)
        console.print(f"warning: {message}", style="yellow", markup=False, highlight=False, soft_wrap=True)

    if settings.ocr and (problem := engine_problem()) is not None:
        warn(problem)
        settings = settings.model_copy(update={"ocr": False})
    embedder = Embedder(encoders or Encoders.from_settings(settings), settings.encode_batch_size, warn)
    active = store if store is not None else open_store(settings)
    journal = Journal(settings.index_journal_path)
    try:
        run = _IndexRun(settings, active, embedder, journal, report)
        with _progress(console, quiet) as progress:
            run.run(root.resolve(), scanned.candidates, progress)
        if prune:
            report.pruned = prune_missing(active, journal, root.resolve())
    finally:
        journal.close()
        if store is None:
            active.close()
    report.add_time("total", time.perf_counter() - started)
    if report_path is not None:
        write_error_report(report, report_path)
    return report
