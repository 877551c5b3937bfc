"""`loupe demo` shows one conflict: the librarian's title kept, the DAM's newer name waiting beside it."""

from __future__ import annotations

from pathlib import Path

from indexer.demo_library import DEMO_ASSETS, build_demo_library
from loupe_cli.demo import index_demo
from loupe_cli.demo_conflict import EDITED_TITLE, SHOWCASE_ID
from loupe_core.encoders.registry import Encoders
from loupe_core.librarian.clusters import duplicate_clusters
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store


def test_a_fresh_demo_has_one_conflict_and_a_rerun_adds_none(tmp_path: Path, encoders: Encoders) -> None:
    settings = Settings(data_dir=tmp_path / "data", clip_model=encoders.clip_spec, thumbnail_px=32, device="cpu")
    library = build_demo_library(settings.data_dir / "demo-library")
    store = open_store(settings)
    try:
        built, synced = index_demo(settings, library, store, encoders)
        assert (built.indexed, built.conflicts) == (len(DEMO_ASSETS), 0)
        assert (synced.indexed, synced.conflicts) == (1, 1)
        asset = store.get(SHOWCASE_ID)
        assert (asset.title, asset.provenance["title"]) == (EDITED_TITLE, "edited")
        assert asset.conflicts["title"].source_value == "newsletter_header_v2"

        (again,) = index_demo(settings, library, store, encoders)
        assert (again.conflicts, again.indexed, again.unchanged) == (0, 0, len(DEMO_ASSETS))
        assert store.get(SHOWCASE_ID).conflicts.keys() == {"title"}
    finally:
        store.close()


def test_the_demo_finds_its_copies_so_results_fold_them(tmp_path: Path, encoders: Encoders) -> None:
    settings = Settings(data_dir=tmp_path / "data", clip_model=encoders.clip_spec, thumbnail_px=32, device="cpu")
    library = build_demo_library(settings.data_dir / "demo-library")
    store = open_store(settings)
    try:
        index_demo(settings, library, store, encoders)
        db = open_librarian_db(settings.librarian_db_path)
        clusters = duplicate_clusters(store, db, DuplicateQueue.visual, None)
        db.close()
        assert any({"demo-chelsea", "demo-newsletter-header"} <= {m.id for m in c.members} for c in clusters)
    finally:
        store.close()
