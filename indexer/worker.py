"""What one worker process does with one file: read, hash, read metadata, and derive what is new.

Runs in a `ProcessPoolExecutor`, so everything here is a plain function of picklable values
and imports nothing heavy (no torch): the pool starts fast and each worker stays small.
Results are small too: facts, metadata, and at most an encoder-sized RGB image as bytes,
never the decoded full-resolution pixels. A file whose content hash the main process already
has results for comes back after the header is read, without decoding.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from pathlib import Path

from indexer.derive import DeriveSpec, EncoderInput, ImageFacts, derive_facts
from indexer.embedded import EmbeddedMetadata, read_embedded
from indexer.report import Reason
from loupe_core.errors import InvalidImage, InvalidImageKind
from loupe_core.images import decoding_errors, open_checked

IMAGE_REASONS: dict[InvalidImageKind, Reason] = {
    "unsupported_format": Reason.unsupported_format,
    "too_large": Reason.too_large,
    "not_an_image": Reason.not_an_image,
    "corrupt": Reason.corrupt,
    "invalid": Reason.invalid_image,
}


@dataclass(frozen=True)
class FileTask:
    """One file to process, with everything the worker needs (it shares no state with the main process)."""

    path: Path
    spec: DeriveSpec
    reusable: tuple[str, ...] = ()
    """Content hashes the main process already holds derived facts for (in the store or the journal)."""


@dataclass(frozen=True)
class KnownContent:
    """Content the main process already has facts for: only the hash and the (cheap) header metadata."""

    sha256: str
    modified: datetime
    embedded: EmbeddedMetadata
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class NewContent:
    """Content derived now: facts, metadata, and the encoder's input unless no encoder size was given."""

    facts: ImageFacts
    modified: datetime
    embedded: EmbeddedMetadata
    encoder_input: EncoderInput | None
    timings: dict[str, float] = field(default_factory=dict)
    notices: tuple[tuple[Reason, str], ...] = ()
    """Indexed, but worth telling (no local features found)."""


@dataclass(frozen=True)
class FileFailure:
    """Why the file cannot be indexed; reported, never raised."""

    reason: Reason
    detail: str
    timings: dict[str, float] = field(default_factory=dict)


FileResult = KnownContent | NewContent | FileFailure


def prepare_worker() -> None:
    """Pool initializer: leave Ctrl-C to the main process, and end with it.

    Ctrl-C reaches the whole process group, but only the main process should act on it. A
    pool worker never notices its main process dying (it waits on a queue it also holds the
    writing end of), so after a kill -9 it would wait forever, and keep the fork server
    alive; a daemon thread waits on the main process's sentinel and ends the worker instead.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="exit-with-main", daemon=True).start()


def _exit_with(parent: BaseProcess) -> None:
    parent.join()
    os._exit(1)


def process_file(task: FileTask) -> FileResult:
    """Never raises for a bad file: every problem comes back as a `FileFailure` with its reason.

    `timings` holds wall seconds per stage plus `worker_cpu`, the CPU seconds the file cost.
    """
    timings: dict[str, float] = {}
    cpu_started = time.process_time()
    try:
        return _process(task, timings)
    finally:
        timings["worker_cpu"] = time.process_time() - cpu_started


def _process(task: FileTask, timings: dict[str, float]) -> FileResult:
    started = time.perf_counter()
    try:
        data = task.path.read_bytes()
        modified = datetime.fromtimestamp(task.path.stat().st_mtime, UTC)
    except OSError as exc:
        return FileFailure(Reason.unreadable, exc.strerror or str(exc), timings)
    if not data:
        return FileFailure(Reason.empty, "the file is empty (0 bytes)", timings)
    sha256 = hashlib.sha256(data).hexdigest()
    timings["read"] = time.perf_counter() - started
    try:
        with decoding_errors():
            started = time.perf_counter()
            image = open_checked(data, task.spec.max_pixels)
            embedded = read_embedded(image)
            timings["metadata"] = time.perf_counter() - started
            if sha256 in task.reusable:
                return KnownContent(sha256, modified, embedded, timings)
            notices: list[tuple[Reason, str]] = []
            facts, encoder_input = derive_facts(image, data, sha256, task.spec, timings, notices)
    except InvalidImage as exc:
        return FileFailure(IMAGE_REASONS[exc.kind], str(exc), timings)
    except MemoryError:
        return FileFailure(Reason.too_large, "not enough memory to decode this image", timings)
    return NewContent(facts, modified, embedded, encoder_input, timings, tuple(notices))
