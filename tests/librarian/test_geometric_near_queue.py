"""The near queue with no model: real photos indexed by `run_index`, pairs confirmed from stored local features.

A crop of 15 % per edge, a 90° turn, a mirror and a second take (skimage's stereo motorcycle:
the same scene from another viewpoint, each view framed differently, pHash 34 apart so only
geometry can join them) must join their original, distinct photos must not, and a flat grey
image is indexed with a notice. Runs on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import imagehash
import pytest
from PIL import Image, ImageOps
from skimage import data

from indexer.cli import render_summary
from indexer.derive import NO_FEATURES_NOTICE
from indexer.pipeline import run_index
from indexer.report import IndexReport, Reason
from loupe_core.feature_files import FeatureFiles
from loupe_core.librarian.clusters import duplicate_clusters
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateQueue, DuplicateThresholds
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool
from tests.backends import BACKENDS, backend_settings, close_backend, open_backend

DISTINCT = ["coffee", "chelsea", "rocket", "camera", "coins"]


def _crop(image: Image.Image, share: float) -> Image.Image:
    dx, dy = round(image.width * share), round(image.height * share)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def write_library(folder: Path) -> None:
    folder.mkdir()
    astronaut = Image.fromarray(data.astronaut())
    astronaut.save(folder / "astronaut.jpg", quality=92)
    _crop(astronaut, 0.15).save(folder / "astronaut-crop15.jpg", quality=90)
    astronaut.rotate(90, expand=True).save(folder / "astronaut-rot90.jpg", quality=90)
    ImageOps.mirror(astronaut).save(folder / "astronaut-mirror.jpg", quality=90)
    left, right, _ = data.stereo_motorcycle()
    height, width = left.shape[:2]
    Image.fromarray(left[:, : int(width * 0.8)]).save(folder / "motorcycle-left.jpg", quality=92)
    Image.fromarray(right[int(height * 0.1) :, int(width * 0.2) :]).save(folder / "motorcycle-right.jpg", quality=92)
    for name in DISTINCT:
        Image.fromarray(getattr(data, name)()).convert("RGB").save(folder / f"{name}.jpg", quality=92)
    Image.new("RGB", (400, 300), (128, 128, 128)).save(folder / "flat-grey.png")


@dataclass
class Indexed:
    settings: Settings
    store: AssetStore
    db: ConnectionPool
    report: IndexReport
    library: Path

    def finder(self) -> DuplicateFinder:
        thresholds = DuplicateThresholds.from_settings(self.settings)
        return DuplicateFinder(self.store, self.db, thresholds, FeatureFiles(self.settings.features_dir))

    def names(self, queue: DuplicateQueue) -> list[set[str]]:
        by_id = {asset.id: Path(asset.path or "").stem for asset in self.store.scan()}
        return [{by_id[m.id] for m in c.members} for c in duplicate_clusters(self.store, self.db, queue, None)]


@pytest.fixture(params=BACKENDS)
def indexed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Indexed]:
    settings = backend_settings(request.param, tmp_path / "data", request).model_copy(
        update={"clip_model": "", "text_model": "", "device": "cpu", "index_workers": 1}
    )
    library = tmp_path / "library"
    write_library(library)
    store = open_backend(request.param, tmp_path, request, settings)
    db = open_librarian_db(tmp_path / "librarian.sqlite3")
    try:
        report = run_index(settings, library, None, quiet=True, store=store)
        store.refresh()
        yield Indexed(settings, store, db, report, library)
    finally:
        db.close()
        close_backend(store)


def test_near_pairs_are_found_without_any_model(indexed: Indexed) -> None:
    stats = indexed.finder().refresh()

    assert stats.checked == indexed.report.indexed == 12
    near = indexed.names(DuplicateQueue.near)
    assert {"motorcycle-left", "motorcycle-right"} in near
    astronaut = {"astronaut", "astronaut-crop15", "astronaut-rot90", "astronaut-mirror"}
    assert astronaut in near
    assert len(near) == 2  # nothing else: distinct photos and the flat image stay out
    assert indexed.names(DuplicateQueue.visual) == [] and indexed.names(DuplicateQueue.exact) == []


def test_each_near_pair_says_what_matched(indexed: Indexed) -> None:
    indexed.finder().refresh()
    by_id = {asset.id: Path(asset.path or "").stem for asset in indexed.store.scan()}
    clusters = duplicate_clusters(indexed.store, indexed.db, DuplicateQueue.near, None)
    said = {frozenset((by_id[p.a], by_id[p.b])): p.explanation for c in clusters for p in c.pairs}

    mirror = said[frozenset(("astronaut", "astronaut-mirror"))]
    assert mirror.startswith("same picture, mirrored, ") and mirror.endswith(" matching points")
    assert said[frozenset(("astronaut", "astronaut-rot90"))].startswith("same picture, rotated 90°, ")
    assert said[frozenset(("astronaut", "astronaut-crop15"))].startswith("crop showing 4")  # 70 % x 70 % = 49 %
    assert said[frozenset(("motorcycle-left", "motorcycle-right"))].startswith("same scene, ")


def test_a_flat_image_is_indexed_with_a_notice_and_joins_no_pair(indexed: Indexed) -> None:
    indexed.finder().refresh()

    assert indexed.report.failed == []
    assert [(Path(p.path).name, p.reason, p.detail) for p in indexed.report.notices] == [
        ("flat-grey.png", Reason.no_local_features, NO_FEATURES_NOTICE)
    ]
    assert any(Path(a.path or "").name == "flat-grey.png" for a in indexed.store.scan())
    assert "notice:\n  no_local_features  " in render_summary(indexed.report)
    clustered = {name for q in DuplicateQueue for cluster in indexed.names(q) for name in cluster}
    assert "flat-grey" not in clustered


def test_refresh_reads_stored_features_and_never_the_originals(indexed: Indexed) -> None:
    for file in indexed.library.iterdir():
        file.unlink()
    for folder in (indexed.settings.previews_dir, indexed.settings.thumbnails_dir):
        for file in folder.iterdir():
            file.unlink()

    indexed.finder().refresh()

    assert {"motorcycle-left", "motorcycle-right"} in indexed.names(DuplicateQueue.near)


def test_features_are_derived_once_per_content(indexed: Indexed) -> None:
    """Stored beside the renditions by sha256; a second run finds them and derives nothing."""
    files = sorted(indexed.settings.features_dir.iterdir())
    assert len(files) == 12 and all(f.stat().st_size <= 17 + 1300 * 36 for f in files)
    again = run_index(indexed.settings, indexed.library, None, quiet=True, store=indexed.store)
    assert (again.unchanged, again.indexed, again.notices) == (12, 0, [])


def test_missing_features_are_derived_again_and_recheck_the_asset(indexed: Indexed) -> None:
    finder = indexed.finder()
    finder.refresh()
    for file in indexed.settings.features_dir.iterdir():
        file.unlink()
    assert finder.refresh().checked == 12  # features gone: the geometric part of each asset changed
    assert indexed.names(DuplicateQueue.near) == []

    again = run_index(indexed.settings, indexed.library, None, quiet=True, store=indexed.store)
    indexed.store.refresh()

    assert again.indexed == 12 and len(list(indexed.settings.features_dir.iterdir())) == 12
    assert finder.refresh().checked == 12
    assert {"motorcycle-left", "motorcycle-right"} in indexed.names(DuplicateQueue.near)


def test_geometric_check_off_leaves_the_near_queue_to_clip(indexed: Indexed) -> None:
    settings = indexed.settings.model_copy(update={"duplicate_geometric": False})
    DuplicateFinder(
        indexed.store, indexed.db, DuplicateThresholds.from_settings(settings), FeatureFiles(settings.features_dir)
    ).refresh()
    assert indexed.names(DuplicateQueue.near) == []


def test_an_old_librarian_db_gains_the_explanation_column(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE duplicate_pairs (a TEXT NOT NULL, b TEXT NOT NULL, queue TEXT NOT NULL, "
            "score REAL NOT NULL, PRIMARY KEY (a, b))"
        )
        old.execute("INSERT INTO duplicate_pairs VALUES ('x', 'y', 'near', 0.93)")
    old.close()
    db = open_librarian_db(path)
    try:
        rows = db.get().execute("SELECT a, b, queue, score, explanation FROM duplicate_pairs").fetchall()
        assert [tuple(r) for r in rows] == [("x", "y", "near", 0.93, "")]
    finally:
        db.close()


def test_the_second_take_is_out_of_reach_of_the_hashes(tmp_path: Path) -> None:
    """So that its pair in the near queue is geometry's doing, not a copy the visual queue would see."""
    write_library(tmp_path / "library")
    left, right = (imagehash.phash(Image.open(tmp_path / "library" / f"motorcycle-{s}.jpg")) for s in ("left", "right"))
    assert left - right > 16
