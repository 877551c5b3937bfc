"""What one worker process does with one file: read, hash, read metadata, and derive what is new.

Runs in a `ProcessPoolExecutor`, so everything here is a plain function of picklable values
and imports nothing heavy (no torch): the pool starts fast and each worker stays small.
Results are small too: facts, metadata, and at most an encoder-sized RGB image as bytes,
never the decoded full-resolution pixels. A file whose content hash the main process already
has results for comes back after the header is read, without decoding.
"""

from __future__ import annotations

import hashlib
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    path: Path
    spec: DeriveSpec
    reusable: tuple[str, ...] = ()
    """Content hashes the main process already holds derived facts for (in the store or the journal)."""


@dataclass(frozen=True)
class KnownContent:
    sha256: str
    modified: datetime
    embedded: EmbeddedMetadata
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class NewContent:
    facts: ImageFacts
    modified: datetime
    embedded: EmbeddedMetadata
    encoder_input: EncoderInput | None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FileFailure:
    reason: Reason
    detail: str
    timings: dict[str, float] = field(default_factory=dict)


FileResult = KnownContent | NewContent | FileFailure


def ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C reaches the whole process group; only the main process should act on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_file(task: FileTask) -> FileResult:
    """Never raises for a bad file: every problem comes back as a `FileFailure` with its reason."""
    timings: dict[str, float] = {}
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
            facts, encoder_input = derive_facts(image, data, sha256, task.spec, timings)
    except InvalidImage as exc:
        return FileFailure(IMAGE_REASONS[exc.kind], str(exc), timings)
    except MemoryError:
        return FileFailure(Reason.too_large, "not enough memory to decode this image", timings)
    return NewContent(facts, modified, embedded, encoder_input, timings)
