"""Reads a DAM export (CSV or JSON lines) into metadata per file under the library root.

DAM exports name their columns their own way ("Headline", "Keywords"), so a small column map
(`{"Headline": "title", "Internal notes": null}`) renames or drops columns before the values
are checked. A row's file path must stay inside the root: a manifest is data from another
system, and `../../etc/passwd` or `/etc/passwd` must never make Loupe read (and serve) a file.
Such rows, and rows whose file path is a URL, fail alone with `outside_root`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indexer.report import IndexProblem, Reason, validation_detail
from indexer.source_metadata import METADATA_FIELDS, SourceMetadata
from loupe_core.errors import LoupeError

FILE_COLUMN = "file"
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
KNOWN_COLUMNS = frozenset({FILE_COLUMN, *METADATA_FIELDS})
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^(?:file|data):", re.IGNORECASE)


class SourceError(LoupeError):
    """The run cannot start: the folder is missing, or the manifest as a whole is unusable."""


@dataclass(frozen=True)
class ColumnMap:
    """Export column -> Loupe field (`None` drops the column); unmapped columns keep their name."""

    columns: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ColumnMap:
        """Read `{"Export column": "field" or null, ...}`; a bad file stops the run before any work."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(f"cannot read column map {path}: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(v, str | None) for v in data.values()):
            raise SourceError(f"column map {path} must be a JSON object of column -> field name (or null)")
        if unknown := sorted({v for v in data.values() if v is not None} - KNOWN_COLUMNS):
            raise SourceError(f"column map {path} names unknown fields: {', '.join(unknown)}")
        return cls({str(k).strip(): v for k, v in data.items()})

    def field_of(self, column: str) -> str | None:
        column = column.strip()
        return self.columns.get(column, column)  # a column mapped to null gives None: dropped

    def apply(self, row: dict[str, Any]) -> dict[str, Any]:
        renamed: dict[str, Any] = {}
        for column, value in row.items():
            name = self.field_of(column)
            if name is not None:
                renamed[name] = value
        return renamed


@dataclass
class ManifestRows:
    """Metadata keyed by POSIX path relative to the root, plus what could not be attached to a file."""

    rows: dict[str, SourceMetadata] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    """relpath -> why its row is unusable; the file fails with `bad_metadata` (or `missing_file`)."""
    rejected: list[IndexProblem] = field(default_factory=list)
    """Rows that name no usable file: outside the root, a URL, or no path at all."""


def relative_inside(root: Path, raw: str) -> str:
    """`raw` as a normalised POSIX path relative to `root`; raises ValueError when it is not inside.

    The check is made on the resolved path (symlinks followed), the returned name is the
    lexical one, so it matches what the folder walk sees for the same file.
    """
    text = raw.strip().replace("\\", "/")
    if not text:
        raise ValueError("the row has no file path")
    if _URL.match(text):
        raise ValueError("a URL is not a file under the library root")
    candidate = Path(os.path.normpath(root / text))  # absolute `text` replaces root, as intended
    if not candidate.is_relative_to(root) or not candidate.resolve().is_relative_to(root.resolve()):
        raise ValueError("the path points outside the library root")
    relpath = candidate.relative_to(root).as_posix()
    if relpath == ".":
        raise ValueError("the path names the library root itself, not a file")
    return relpath


class _Collector:
    """Accumulates rows in file order, turning each bad row into a problem for its file."""

    def __init__(self, manifest: Path, root: Path) -> None:
        self.manifest = manifest
        self.root = root
        self.result = ManifestRows()
        self.first_line: dict[str, int] = {}

    def add(self, line: int, values: dict[str, Any], problem: str | None = None) -> None:
        raw = values.pop(FILE_COLUMN, None)
        raw_text = raw if isinstance(raw, str) else ""
        try:
            relpath = relative_inside(self.root, raw_text)
        except ValueError as exc:
            shown = raw_text.strip() or f"{self.manifest}:{line}"
            reason = Reason.bad_metadata if not raw_text.strip() else Reason.outside_root
            self.result.rejected.append(IndexProblem.of(shown, reason, f"manifest line {line}: {exc}"))
            return
        if relpath in self.first_line:
            problem = f"listed twice in the manifest (lines {self.first_line[relpath]} and {line})"
        self.first_line.setdefault(relpath, line)
        if problem is not None:
            self.result.problems[relpath] = problem
            self.result.rows.pop(relpath, None)
            return
        try:
            self.result.rows[relpath] = SourceMetadata.model_validate(values)
        except ValidationError as exc:
            self.result.problems[relpath] = f"manifest line {line}: {validation_detail(exc)}"


def read_manifest(path: Path, root: Path, columns: ColumnMap | None = None) -> ManifestRows:
    """Rows by file; a bad row becomes a problem for its file, an unusable file a `SourceError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read manifest {path}: {exc}") from exc
    collector = _Collector(path, root)
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        _read_json_lines(text, columns or ColumnMap(), collector)
    else:
        _read_csv(text, columns or ColumnMap(), collector)
    return collector.result


def _read_csv(text: str, columns: ColumnMap, collector: _Collector) -> None:
    reader = csv.DictReader(io.StringIO(text))  # not splitlines(): quoted cells may hold newlines
    mapped = {name for c in reader.fieldnames or [] if (name := columns.field_of(c)) is not None}
    if FILE_COLUMN not in mapped:
        raise SourceError(f"manifest {collector.manifest} has no {FILE_COLUMN!r} column")
    # A misspelt header ("tag") would otherwise drop that field from every row without a word.
    if unknown := sorted(mapped - KNOWN_COLUMNS):
        raise SourceError(f"manifest {collector.manifest} has unknown columns: {', '.join(unknown)}")
    for raw in reader:
        extra = None in raw
        values = columns.apply({k: v for k, v in raw.items() if k is not None})
        problem = f"manifest line {reader.line_num} has more cells than columns" if extra else None
        collector.add(reader.line_num, values, problem)


def _read_json_lines(text: str, columns: ColumnMap, collector: _Collector) -> None:
    """One JSON object per line; unlike CSV, keys vary per row, so an unknown key fails only its row."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            detail = f"manifest line {number} is not valid JSON: {exc}"
            collector.result.rejected.append(
                IndexProblem.of(f"{collector.manifest}:{number}", Reason.bad_metadata, detail)
            )
            continue
        if not isinstance(data, dict):
            detail = f"manifest line {number} must hold a JSON object, not {type(data).__name__}"
            collector.result.rejected.append(
                IndexProblem.of(f"{collector.manifest}:{number}", Reason.bad_metadata, detail)
            )
            continue
        values = columns.apply(data)
        if isinstance(values.get("id"), int):  # DAM exports often number their assets
            values["id"] = str(values["id"])
        unknown = sorted(set(values) - KNOWN_COLUMNS)
        problem = f"manifest line {number} has unknown fields: {', '.join(unknown)}" if unknown else None
        collector.add(number, values, problem)
