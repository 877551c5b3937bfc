"""The main-process end of the pipeline: encode a batch, journal it, write it, mark it written.

The order is what makes a run resumable without waste: image vectors are committed to the
journal before the store write, and a file is marked written only after the store accepted
it. Whatever dies in between, the next run finds either the stored asset or the journaled
vectors, never needs to encode a finished image again, and never sees half an asset.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from indexer.derive import CONTENT_FIELDS
from indexer.encode import Draft, Embedder
from indexer.journal import EncodedFile, Journal
from indexer.report import IndexProblem, IndexReport
from indexer.write import write_drafts
from loupe_core.errors import BackendUnavailable, EncoderUnavailable
from loupe_core.store.base import AssetStore


@dataclass
class Batch:
    """Drafts waiting for the encoders; `fresh` marks the ones whose image vector this run computes."""

    drafts: list[Draft] = field(default_factory=list)
    fresh: set[Path] = field(default_factory=set)

    def add(self, draft: Draft, fresh: bool) -> None:
        self.drafts.append(draft)
        if fresh:
            self.fresh.add(draft.path)


class Committer:
    """Turns batches into written assets, recording each step in the journal and the report."""

    def __init__(
        self,
        store: AssetStore,
        embedder: Embedder,
        journal: Journal,
        report: IndexReport,
        encoder_name: str,
        now: datetime,
    ) -> None:
        self.store = store
        self.now = now
        self.embedder = embedder
        self.journal = journal
        self.report = report
        self.encoder_name = encoder_name
        self._text_seconds = 0.0
        self._settled: list[tuple[str, str, str]] = []
        """(path, asset id, sha256) of files now in the store, to mark written at the next flush."""

    def _timed(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.report.add_time(stage, now - started)
        return now

    def commit(self, batch: Batch) -> None:
        drafts = batch.drafts
        started = time.perf_counter()
        with_pixels = [i for i, d in enumerate(drafts) if d.pixels is not None]
        try:
            failures = self.embedder.embed_images(drafts)
        except EncoderUnavailable as exc:
            raise EncoderUnavailable(f"{exc} (files written so far stay indexed; re-run to resume)") from exc
        if self.embedder.clip is not None:
            self.report.encoded += sum(1 for i in with_pixels if i not in failures)
        started = self._timed("encode_images", started)
        self.journal.record_encoded(
            EncodedFile(
                str(d.path),
                d.asset.id,
                d.asset.sha256 or "",
                self.encoder_name,
                d.asset.model_dump(mode="json", include=set(CONTENT_FIELDS)),
                d.asset.image_vector,
            )
            for i, d in enumerate(drafts)
            if d.path in batch.fresh and i not in failures
        )
        started = self._timed("journal", started)
        self.report.failed.extend(failures.values())
        complete = [d for i, d in enumerate(drafts) if i not in failures]
        self._text_seconds = 0.0
        try:
            outcome = write_drafts(self.store, complete, self._embed_texts, self.now)
        except BackendUnavailable as exc:
            raise BackendUnavailable(f"{exc} ({self._kept_note(len(batch.fresh))})") from exc
        except EncoderUnavailable as exc:
            raise EncoderUnavailable(f"{exc} ({self._kept_note(len(batch.fresh))})") from exc
        self.report.indexed += outcome.written
        self.report.conflicts += outcome.new_conflicts
        self.report.failed.extend(outcome.problems)
        self.report.add_time("encode_text", self._text_seconds)
        started = self._timed("write", started + self._text_seconds)
        for draft in complete:
            if draft.asset.id in outcome.written_ids:
                self.settle(draft.path, draft.asset.id, draft.asset.sha256 or "")
        self.flush_settled()
        self._timed("journal", started)

    def _embed_texts(self, drafts: Sequence[Draft]) -> dict[int, IndexProblem]:
        started = time.perf_counter()
        try:
            return self.embedder.embed_texts(drafts)
        finally:
            self._timed("encode_text", started)

    @staticmethod
    def _kept_note(kept: int) -> str:
        return f"{kept} newly encoded files are kept in the journal; re-run to resume"

    def settle(self, path: Path, asset_id: str, sha256: str) -> None:
        """Mark a file written in the journal at the next flush (its asset is already in the store)."""
        self._settled.append((str(path), asset_id, sha256))

    def flush_settled(self) -> None:
        self.journal.record_written(self._settled)
        self._settled = []
