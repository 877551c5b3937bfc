"""One uploaded file through the stages of `loupe index`: derive, read metadata, embed, write create-only.

The stages are the pipeline's own (`worker.process_file`, `precedence.asset_fields`,
`encode.Embedder`), run in-process for one file, so an upload gets the same facts, renditions,
local features, text in the image and vectors as the same file indexed from a folder. Two
things differ because a person is there: the uploader's values are that person's edits
(`curation.record_edits`), so they outrank the file's embedded metadata and no index run takes
them back; and the write is create-only, because the id is new and an asset already holding it
is a fault, never something to overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indexer.derive import DeriveSpec
from indexer.encode import Draft, Embedder
from indexer.precedence import asset_fields
from indexer.report import Reason, validation_detail
from indexer.sources import Candidate
from indexer.worker import FileFailure, FileTask, KnownContent, process_file
from loupe_core.curation import record_edits
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded file already in the managed folder, and what the uploader asked for it."""

    asset_id: str
    path: Path
    client_name: str
    """The name the file had on the uploader's machine: shown as its file name, never used as a path."""
    values: dict[str, Any]
    """Fields the uploader set (status, owner and groups included): recorded as their edits."""
    actor: str


@dataclass(frozen=True)
class IngestProblem:
    reason: Reason
    detail: str


def ingest_upload(
    upload: StoredUpload, spec: DeriveSpec, embedder: Embedder, store: AssetStore, now: datetime
) -> Asset | IngestProblem:
    """The written asset, or why the file could not become one (nothing was written then)."""
    result = process_file(FileTask(upload.path, spec))
    if isinstance(result, FileFailure):
        return IngestProblem(result.reason, result.detail)
    if isinstance(result, KnownContent):  # only for hashes offered as reusable, and an upload offers none
        raise RuntimeError("the worker reused content it was not offered")
    fields = asset_fields(Candidate(upload.path, upload.asset_id), result.embedded, result.modified)
    if fields["provenance"].get("title") == "filesystem":
        fields["title"] = Path(upload.client_name).stem  # the uploader's file name, not the id Loupe chose
    fields.update(result.facts.as_fields(), filename=upload.client_name, indexed_at=now)
    try:
        asset = record_edits(Asset.model_validate(fields), upload.values, upload.actor, now)
    except ValidationError as exc:
        return IngestProblem(Reason.bad_metadata, validation_detail(exc))
    pixels = result.encoder_input.image() if result.encoder_input is not None else None
    draft = Draft(upload.path, asset, pixels)
    failures = embedder.embed_images([draft]) or embedder.embed_texts([draft])
    if failures:
        return IngestProblem(Reason.encode_failed, failures[0].detail)
    report = store.upsert([draft.asset], {upload.asset_id: None}, wait_for_search=True)
    if report.failures:
        return IngestProblem(Reason.write_failed, report.failures[0].reason)
    return draft.asset
