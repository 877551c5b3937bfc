"""What an index run did, as data the CLI prints and `--report` writes as JSON lines.

Paths are kept as display text: a file name that is not valid UTF-8 (Linux allows any bytes)
is shown with `\\xNN` escapes, so the report itself is always valid UTF-8 JSON and the
offending bytes stay recognisable.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError


class Reason(StrEnum):
    """Why a file was not indexed (or, for notices, what to know about one that was); stable codes."""

    unsupported = "unsupported"
    bad_filename = "bad_filename"
    bad_metadata = "bad_metadata"
    duplicate_id = "duplicate_id"
    missing_file = "missing_file"
    outside_root = "outside_root"
    unreadable = "unreadable"
    empty = "empty"
    not_an_image = "not_an_image"
    unsupported_format = "unsupported_format"
    corrupt = "corrupt"
    too_large = "too_large"
    invalid_image = "invalid_image"
    encode_failed = "encode_failed"
    write_failed = "write_failed"
    no_local_features = "no_local_features"
    """A notice, not a failure: indexed, but the geometric duplicate check has nothing to compare."""
    ocr_timeout = "ocr_timeout"
    """A notice: indexed without text in image, because reading it took longer than the budget."""
    ocr_failed = "ocr_failed"
    """A notice: indexed without text in image, because the OCR engine raised an error."""


def display_path(path: Path | str) -> str:
    """The path as valid UTF-8 text; undecodable bytes become `\\xNN` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def validation_detail(error: ValidationError) -> str:
    """pydantic's errors as one line: `license_expires: Input should be a valid date; ...`."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in error.errors())


@dataclass(frozen=True)
class IndexProblem:
    """One file that was not indexed: `reason` is the stable code, `detail` the human explanation."""

    path: str
    reason: Reason
    detail: str

    @classmethod
    def of(cls, path: Path | str, reason: Reason, detail: str) -> IndexProblem:
        """Both texts made safe for UTF-8: an OS message may quote an undecodable name too."""
        return cls(display_path(path), reason, detail.encode("utf-8", "backslashreplace").decode("utf-8"))

    def as_json(self) -> str:
        return json.dumps({"path": self.path, "reason": self.reason.value, "detail": self.detail}, ensure_ascii=False)


@dataclass
class IndexReport:
    """Counts and per-file problems of one run.

    `skipped` holds files that are not images Loupe indexes (a .pdf next to the photos): they
    are reported but are not failures, so `--strict` does not trip on them.
    """

    indexed: int = 0
    """Assets written to the store."""
    unchanged: int = 0
    encoded: int = 0
    """Images run through the image encoder; with `reused`, how a resumed run proves it redid nothing."""
    reused: int = 0
    """Image vectors taken from the journal of an interrupted run instead of being encoded again."""
    conflicts: int = 0
    """Edited fields whose sources changed since the edit: kept as edited, listed for a librarian."""
    pruned: int | None = None
    """Assets deleted because their file is gone; None when the run did not prune."""
    failed: list[IndexProblem] = field(default_factory=list)
    skipped: list[IndexProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[IndexProblem] = field(default_factory=list)
    """Files indexed with something worth knowing (no local features); never failures, even `--strict`."""
    strict: bool = False
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Time per stage: worker stages summed over processes, main-process stages wall time."""

    @property
    def exit_code(self) -> int:
        """Non-zero only for a strict run with failures: by default a partly bad folder still indexes."""
        return 1 if self.strict and self.failed else 0

    def add_time(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def summary(self) -> str:
        pruned = f", pruned {self.pruned}" if self.pruned is not None else ""
        return (
            f"indexed {self.indexed}, unchanged {self.unchanged}, encoded {self.encoded}, reused {self.reused}, "
            f"failed {len(self.failed)}, skipped {len(self.skipped)}, new conflicts {self.conflicts}{pruned}"
        )


def write_error_report(report: IndexReport, destination: Path) -> None:
    """One JSON object per line, failures first; written whole, even when empty, so a stale file never lingers."""
    lines = [problem.as_json() + "\n" for problem in (*report.failed, *report.skipped, *report.notices)]
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text("".join(lines), encoding="utf-8")
