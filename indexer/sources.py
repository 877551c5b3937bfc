"""Finds the images under a folder and the metadata each one comes with.

Metadata comes from an optional sidecar (`photo.jpg.json`) and an optional CSV manifest; the
manifest wins field by field. A file whose metadata cannot be read is reported, never indexed
with defaults: `groups` decides who may see an asset, so guessing could expose it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from indexer.report import IndexProblem, Reason, validation_detail
from loupe_core.errors import LoupeError
from loupe_core.schema import Asset, AssetStatus

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff"})
SIDECAR_SUFFIX = ".json"
LIST_SEPARATOR = ";"
MANIFEST_FILE_COLUMN = "file"


class SourceError(LoupeError):
    """The run cannot start: the folder is missing, or the manifest as a whole is unusable."""


class SourceMetadata(BaseModel):
    """Descriptive fields a sidecar or manifest row may set; None means "not given here".

    Unknown keys are ignored because sidecars are often written by other tools (Google
    Takeout uses the same `photo.jpg.json` naming); manifest columns are checked separately.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    id: str | None = Field(default=None, max_length=512)
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    taxonomy: list[str] | None = None
    owner: str | None = None
    groups: list[str] | None = None
    status: AssetStatus | None = None
    license_expires: date | None = None
    credit: str | None = None
    created_at: datetime | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("tags", "taxonomy", "groups", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        """`"a; b"` -> `["a", "b"]`; a blank string stays absent (pydantic runs this before `_blank_is_absent`)."""
        if isinstance(value, str):
            return [part for part in (p.strip() for p in value.split(LIST_SEPARATOR)) if part] or None
        return value

    def overridden_by(self, other: SourceMetadata) -> SourceMetadata:
        """These fields, with every field `other` sets taking precedence."""
        return self.model_copy(update=other.model_dump(exclude_none=True))


MANIFEST_COLUMNS = frozenset({MANIFEST_FILE_COLUMN, *SourceMetadata.model_fields})
DESCRIPTIVE_FIELDS = frozenset(
    {"description", "tags", "taxonomy", "owner", "groups", "status", "credit", "license_expires"}
)


@dataclass(frozen=True)
class Candidate:
    """An image file to index, with its merged metadata."""

    path: Path
    relpath: str
    metadata: SourceMetadata

    @property
    def asset_id(self) -> str:
        """The metadata's id, else the path relative to the root: stable across machines and mounts."""
        return self.metadata.id or self.relpath

    def asset_fields(self, created_at: datetime) -> dict[str, Any]:
        """Every non-content Asset field, defaults spelled out so a field dropped from the metadata is cleared."""
        defaults = {
            name: Asset.model_fields[name].get_default(call_default_factory=True) for name in DESCRIPTIVE_FIELDS
        }
        return {
            **defaults,
            **self.metadata.model_dump(include=set(DESCRIPTIVE_FIELDS), exclude_none=True),
            "id": self.asset_id,
            "title": self.metadata.title or self.path.stem,
            "filename": self.path.name,
            "path": str(self.path),
            "created_at": created_at,
        }


@dataclass
class ScanResult:
    candidates: list[Candidate] = field(default_factory=list)
    failed: list[IndexProblem] = field(default_factory=list)
    skipped: list[IndexProblem] = field(default_factory=list)


def read_sidecar(path: Path) -> SourceMetadata:
    """Parse one sidecar; raises ValueError with a readable message when it is not a valid JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"sidecar {path.name} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"sidecar {path.name} must hold a JSON object, not {type(data).__name__}")
    try:
        return SourceMetadata.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"sidecar {path.name}: {validation_detail(exc)}") from exc


@dataclass
class ManifestRows:
    """Manifest metadata keyed by the `file` column (POSIX path relative to the root)."""

    rows: dict[str, SourceMetadata] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def read_manifest(path: Path) -> ManifestRows:
    """Rows by file; a bad row becomes a problem for its file, a bad header a `SourceError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read manifest {path}: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))  # not splitlines(): quoted cells may hold newlines
    columns = {c.strip() for c in reader.fieldnames or []}
    if MANIFEST_FILE_COLUMN not in columns:
        raise SourceError(f"manifest {path} has no {MANIFEST_FILE_COLUMN!r} column")
    # A misspelt header ("tag") would otherwise drop that field from every row without a word.
    if unknown := sorted(columns - MANIFEST_COLUMNS):
        raise SourceError(f"manifest {path} has unknown columns: {', '.join(unknown)}")
    result = ManifestRows()
    seen_at: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        values = {(k or "").strip(): v for k, v in raw.items()}
        relpath = _manifest_relpath(values.pop(MANIFEST_FILE_COLUMN, None) or "")
        if relpath is None:
            raise SourceError(f"manifest {path} line {line}: `file` must be a relative path inside the folder")
        if "" in values:
            result.problems[relpath] = f"manifest line {line} has more cells than columns"
        elif relpath in seen_at:
            result.problems[relpath] = f"listed twice in the manifest (lines {seen_at[relpath]} and {line})"
        else:
            try:
                result.rows[relpath] = SourceMetadata.model_validate(values)
            except ValidationError as exc:
                result.problems[relpath] = f"manifest line {line}: {validation_detail(exc)}"
        seen_at.setdefault(relpath, line)
    return result


def _manifest_relpath(raw: str) -> str | None:
    """Normalised POSIX relative path, or None when it is empty, absolute or climbs out with `..`."""
    posix = PurePosixPath(raw.strip().replace("\\", "/"))
    if not raw.strip() or posix.is_absolute() or ".." in posix.parts:
        return None
    return posix.as_posix()


def _walk(root: Path, excluded: frozenset[Path], errors: list[IndexProblem]) -> Iterator[Path]:
    """Every non-hidden file under root in a stable order; unreadable folders are reported."""

    def on_error(exc: OSError) -> None:
        errors.append(IndexProblem.of(exc.filename or root, Reason.unreadable, exc.strerror or str(exc)))

    for folder, dirs, files in os.walk(root, onerror=on_error):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and base / d not in excluded)
        for name in sorted(files):
            path = base / name
            if not name.startswith(".") and path not in excluded:
                yield path


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) and path.with_name(path.name[: -len(SIDECAR_SUFFIX)]).is_file()


def _metadata_for(path: Path, manifest: ManifestRows, relpath: str) -> SourceMetadata:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    metadata = read_sidecar(sidecar) if sidecar.is_file() else SourceMetadata()
    if relpath in manifest.problems:
        raise ValueError(manifest.problems[relpath])
    row = manifest.rows.get(relpath)
    return metadata.overridden_by(row) if row is not None else metadata


def scan(root: Path, manifest_path: Path | None = None, exclude: tuple[Path, ...] = ()) -> ScanResult:
    """Candidates for every image under root, plus what could not become one and why.

    `exclude` keeps Loupe's own files (thumbnails!) out of the walk, as does the manifest. A
    root inside the data folder (`loupe demo` builds its library there) is still walked.
    """
    root = root.resolve()
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder")
    manifest = read_manifest(manifest_path) if manifest_path is not None else ManifestRows()
    excluded = frozenset(p.resolve() for p in (*exclude, *([manifest_path] if manifest_path else [])))
    result = ScanResult()
    owner_of: dict[str, str] = {}
    listed = set(manifest.rows) | set(manifest.problems)
    for path in _walk(root, excluded, result.failed):
        relpath = path.relative_to(root).as_posix()
        listed.discard(relpath)
        if _is_sidecar(path):
            continue
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            kind = f"{path.suffix.lower()} files" if path.suffix else "files without an extension"
            result.skipped.append(IndexProblem.of(path, Reason.unsupported, f"{kind} are not indexed"))
            continue
        try:
            relpath.encode("utf-8")
        except UnicodeEncodeError:
            detail = "the path is not valid UTF-8, so it cannot be stored or served; rename the file"
            result.failed.append(IndexProblem.of(path, Reason.bad_filename, detail))
            continue
        if not path.is_file():
            result.failed.append(IndexProblem.of(path, Reason.unreadable, "not a regular file"))
            continue
        try:
            metadata = _metadata_for(path, manifest, relpath)
        except ValueError as exc:
            result.failed.append(IndexProblem.of(path, Reason.bad_metadata, str(exc)))
            continue
        candidate = Candidate(path=path, relpath=relpath, metadata=metadata)
        if (first := owner_of.setdefault(candidate.asset_id, relpath)) != relpath:
            detail = f"id {candidate.asset_id!r} is already used by {first}"
            result.failed.append(IndexProblem.of(path, Reason.duplicate_id, detail))
            continue
        result.candidates.append(candidate)
    for relpath in sorted(listed):
        result.failed.append(IndexProblem.of(root / relpath, Reason.missing_file, "listed in the manifest, not found"))
    return result
