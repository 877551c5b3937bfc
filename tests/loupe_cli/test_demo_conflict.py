"""`loupe demo` shows one conflict: the librarian's title kept, the DAM's newer name waiting beside it."""

from __future__ import annotations

from pathlib import Path

from indexer.demo_library import DEMO_ASSETS, build_demo_library
from loupe_cli.demo import index_demo
from loupe_cli.demo_conflict import EDITED_TITLE, SHOWCASE_ID
from loupe_core.encoders.registry import Encoders
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
