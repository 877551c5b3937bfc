"""Finds the images under a folder and the metadata each one comes with from outside the image.

Metadata comes from an optional sidecar (`photo.jpg.json`) and an optional manifest (a DAM
export, read by `manifest`); the two are kept apart here so the asset can record which one
set each field. A file whose metadata cannot be read is reported, never indexed with
defaults: `groups` decides who may see an asset, so guessing could expose it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indexer.manifest import ColumnMap, ManifestRows, SourceError, read_manifest
from indexer.path_filter import PathFilter
from indexer.report import IndexProblem, Reason, validation_detail
from indexer.source_metadata import SourceMetadata

__all__ = ["IMAGE_SUFFIXES", "Candidate", "ScanResult", "SourceError", "read_sidecar", "scan"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff"})
SIDECAR_SUFFIX = ".json"


@dataclass(frozen=True)
class Candidate:
    """An image file to index, with the metadata each outside source gives it."""

    path: Path
    relpath: str
    manifest: SourceMetadata | None = None
    sidecar: SourceMetadata | None = None

    @property
    def asset_id(self) -> str:
        """An explicit id, else the path relative to the root: stable across machines and mounts."""
        for source in (self.manifest, self.sidecar):
            if source is not None and source.id:
                return source.id
        return self.relpath

    def layers(self) -> list[tuple[str, dict[str, Any]]]:
        """(source name, fields it sets), strongest first: the manifest wins over the sidecar."""
        named = (("manifest", self.manifest), ("sidecar", self.sidecar))
        return [(name, source.given()) for name, source in named if source is not None]


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


def _walk(root: Path, excluded: frozenset[Path], only: PathFilter, errors: list[IndexProblem]) -> Iterator[Path]:
    """Every non-hidden, non-excluded file under root in a stable order; unreadable folders are reported."""

    def on_error(exc: OSError) -> None:
        errors.append(IndexProblem.of(exc.filename or root, Reason.unreadable, exc.strerror or str(exc)))

    for folder, dirs, files in os.walk(root, onerror=on_error):
        base = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and base / d not in excluded
            and not only.skips_folder((base / d).relative_to(root).as_posix())
        )
        for name in sorted(files):
            path = base / name
            if (
                not name.startswith(".")
                and path not in excluded
                and only.accepts_file(path.relative_to(root).as_posix())
            ):
                yield path


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) and path.with_name(path.name[: -len(SIDECAR_SUFFIX)]).is_file()


def _problem_with(path: Path, root: Path, relpath: str) -> IndexProblem | None:
    """Why this image cannot be indexed before even reading it, if it cannot."""
    try:
        relpath.encode("utf-8")
    except UnicodeEncodeError:
        detail = "the path is not valid UTF-8, so it cannot be stored or served; rename the file"
        return IndexProblem.of(path, Reason.bad_filename, detail)
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return IndexProblem.of(path, Reason.outside_root, "a symbolic link to a file outside the library root")
    if not path.is_file():
        return IndexProblem.of(path, Reason.unreadable, "not a regular file")
    return None


def scan(
    root: Path,
    manifest_path: Path | None = None,
    exclude: tuple[Path, ...] = (),
    *,
    column_map: ColumnMap | None = None,
    only: PathFilter | None = None,
) -> ScanResult:
    """Candidates for every image under root, plus what could not become one and why.

    `exclude` keeps Loupe's own files (thumbnails!) out of the walk, as does the manifest. A
    root inside the data folder (`loupe demo` builds its library there) is still walked.
    """
    root = root.resolve()
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder")
    manifest = read_manifest(manifest_path, root, column_map) if manifest_path is not None else ManifestRows()
    excluded = frozenset(p.resolve() for p in (*exclude, *([manifest_path] if manifest_path else [])))
    result = ScanResult(failed=list(manifest.rejected))
    owner_of: dict[str, str] = {}
    listed = set(manifest.rows) | set(manifest.problems)
    for path in _walk(root, excluded, only or PathFilter(), result.failed):
        relpath = path.relative_to(root).as_posix()
        listed.discard(relpath)
        if _is_sidecar(path):
            continue
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            kind = f"{path.suffix.lower()} files" if path.suffix else "files without an extension"
            result.skipped.append(IndexProblem.of(path, Reason.unsupported, f"{kind} are not indexed"))
            continue
        if (problem := _problem_with(path, root, relpath)) is not None:
            result.failed.append(problem)
            continue
        try:
            candidate = _candidate(path, relpath, manifest)
        except ValueError as exc:
            result.failed.append(IndexProblem.of(path, Reason.bad_metadata, str(exc)))
            continue
        if (first := owner_of.setdefault(candidate.asset_id, relpath)) != relpath:
            detail = f"id {candidate.asset_id!r} is already used by {first}"
            result.failed.append(IndexProblem.of(path, Reason.duplicate_id, detail))
            continue
        result.candidates.append(candidate)
    for relpath in sorted(r for r in listed if not (root / r).exists()):  # filtered-out files are not missing
        result.failed.append(IndexProblem.of(root / relpath, Reason.missing_file, "listed in the manifest, not found"))
    return result


def _candidate(path: Path, relpath: str, manifest: ManifestRows) -> Candidate:
    sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
    sidecar = read_sidecar(sidecar_path) if sidecar_path.is_file() else None
    if relpath in manifest.problems:
        raise ValueError(manifest.problems[relpath])
    return Candidate(path=path, relpath=relpath, manifest=manifest.rows.get(relpath), sidecar=sidecar)
