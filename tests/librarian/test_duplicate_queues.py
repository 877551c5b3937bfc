"""Planted exact, resized, recompressed and cropped copies land in the right queue, on both backends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from loupe_core.librarian.clusters import duplicate_clusters
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateQueue, DuplicateThresholds, mark_not_duplicate
from loupe_core.mapping import load_index_definition
from loupe_core.principal import Principal, Role
from loupe_core.settings import REPO_ROOT
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.embedded.connection import ConnectionPool
from tests.librarian.conftest import PHOTOS, Planted, jpeg, photo_asset

THRESHOLDS = DuplicateThresholds(phash_distance=8, near_cosine=0.9, neighbours=10)
Loaded = tuple[AssetStore, ConnectionPool]


def members(store: AssetStore, db: ConnectionPool, queue: DuplicateQueue) -> list[set[str]]:
    return [{m.id for m in c.members} for c in duplicate_clusters(store, db, queue, None)]


def test_each_planted_copy_lands_in_its_queue(loaded: Loaded, planted: Planted) -> None:
    store, db = loaded
    stats = DuplicateFinder(store, db, THRESHOLDS).refresh()
    assert stats.checked == len(planted.assets)
    assert members(store, db, DuplicateQueue.exact) == [planted.exact]
    assert members(store, db, DuplicateQueue.visual) == [planted.visual]
    assert members(store, db, DuplicateQueue.near) == [planted.near]
    clustered = {i for q in DuplicateQueue for cluster in members(store, db, q) for i in cluster}
    assert clustered.isdisjoint(planted.distinct)


def test_keeper_prefers_approved_then_resolution(loaded: Loaded) -> None:
    store, db = loaded
    DuplicateFinder(store, db, THRESHOLDS).refresh()
    (visual,) = duplicate_clusters(store, db, DuplicateQueue.visual, None)
    assert visual.keeper == "astro-resized"  # the only approved one, though smaller
    (exact,) = duplicate_clusters(store, db, DuplicateQueue.exact, None)
    assert exact.keeper == "astro-copy"  # same status and size: by id


def test_not_a_duplicate_sticks_across_refreshes(loaded: Loaded, planted: Planted) -> None:
    store, db = loaded
    finder = DuplicateFinder(store, db, THRESHOLDS)
    finder.refresh()
    for other in planted.near - {"astro-crop"}:
        mark_not_duplicate(db, "astro-crop", other, actor="librarian")
    assert members(store, db, DuplicateQueue.near) == []
    crop = store.get("astro-crop")
    store.upsert([crop.model_copy(update={"title": "Astronaut, cropped"})])
    store.refresh()
    finder.refresh()
    assert members(store, db, DuplicateQueue.near) == []


def test_refresh_is_incremental(loaded: Loaded, planted: Planted) -> None:
    store, db = loaded
    finder = DuplicateFinder(store, db, THRESHOLDS)
    finder.refresh()
    assert finder.refresh().checked == 0
    store.delete(["astro-copy"])
    store.refresh()
    assert finder.refresh().checked == 0
    assert members(store, db, DuplicateQueue.exact) == []


def test_clusters_hide_assets_the_caller_cannot_see(loaded: Loaded) -> None:
    store, db = loaded
    DuplicateFinder(store, db, THRESHOLDS).refresh()
    outsider = Principal(user_id="nobody", role=Role.viewer, groups=frozenset({"elsewhere"}))
    assert all(duplicate_clusters(store, db, q, outsider) == [] for q in DuplicateQueue)


def test_a_small_crop_is_visual_when_both_hashes_agree_and_only_then(tmp_path: Path) -> None:
    """Astronaut minus 5% on every edge: pHash 14 and dHash 13 away from the original, so the
    tight pHash rule alone misses it and the two-hash agreement rule catches it."""
    rng = np.random.default_rng(5)
    base = Image.fromarray(data.astronaut())
    w, h = base.size
    crop = base.crop((w // 20, h // 20, w - w // 20, h - h // 20))
    assets = [
        photo_asset("original", jpeg(base), rng.normal(size=512)),
        photo_asset("crop", jpeg(crop), rng.normal(size=512)),  # unrelated vectors: never "near"
        *(
            photo_asset(f"photo-{name}", jpeg(Image.fromarray(getattr(data, name)())), rng.normal(size=512))
            for name in PHOTOS[1:]
        ),
    ]
    store = EmbeddedStore(tmp_path / "store.sqlite3", load_index_definition(REPO_ROOT / "mappings", "assets"))
    try:
        store.upsert(assets)
        found = {}
        for agreeing in (14, 0):
            db = open_librarian_db(tmp_path / f"librarian-{agreeing}.sqlite3")
            DuplicateFinder(store, db, DuplicateThresholds(phash_distance=8, agreeing_distance=agreeing)).refresh()
            found[agreeing] = members(store, db, DuplicateQueue.visual)
            db.close()
        assert found == {14: [{"original", "crop"}], 0: []}
    finally:
        store.close()
