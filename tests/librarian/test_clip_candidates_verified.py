"""With CLIP, geometry is the precision filter on its candidates: close vectors alone no longer make a pair.

Vectors are planted (trained CLIP weights are not available offline): two different photos get
almost the same vector, as CLIP gives two photos of one subject, and a crop gets its original's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from loupe_core.feature_files import FeatureFiles
from loupe_core.librarian.clusters import duplicate_clusters
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateQueue, DuplicateThresholds
from loupe_core.local_features import extract_local_features
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool
from tests.backends import BACKENDS, close_backend, open_backend
from tests.librarian.conftest import jpeg, photo_asset

Library = tuple[AssetStore, ConnectionPool, FeatureFiles]


@pytest.fixture(params=BACKENDS)
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    rng = np.random.default_rng(11)
    astronaut = Image.fromarray(data.astronaut())
    w, h = astronaut.size
    images = {
        "astronaut": astronaut,
        "astronaut-crop": astronaut.crop((w // 5, h // 5, w - w // 5, h - h // 5)),
        "coffee": Image.fromarray(data.coffee()),
        "rocket": Image.fromarray(data.rocket()),
    }
    centres = {"astronaut": rng.normal(size=512), "coffee": rng.normal(size=512)}
    centres["astronaut-crop"], centres["rocket"] = centres["astronaut"], centres["coffee"]  # CLIP: "near"
    features = FeatureFiles(tmp_path / "features")
    assets = []
    for name, image in images.items():
        encoded = jpeg(image)
        asset = photo_asset(name, encoded, centres[name] + 0.02 * rng.normal(size=512))
        features.write(asset.sha256 or "", extract_local_features(Image.open(io.BytesIO(encoded))))
        assets.append(asset)
    store = open_backend(request.param, tmp_path, request)
    assert not store.upsert(assets).failures
    store.refresh()
    db = open_librarian_db(tmp_path / "librarian.sqlite3")
    yield store, db, features
    db.close()
    close_backend(store)


def near_pairs(store: AssetStore, db: ConnectionPool) -> dict[frozenset[str], str]:
    clusters = duplicate_clusters(store, db, DuplicateQueue.near, None)
    return {frozenset((p.a, p.b)): p.explanation for c in clusters for p in c.pairs}


def test_geometry_keeps_the_crop_and_drops_the_lookalike(library: Library) -> None:
    store, db, features = library
    DuplicateFinder(store, db, DuplicateThresholds(), features).refresh()

    pairs = near_pairs(store, db)
    assert set(pairs) == {frozenset(("astronaut", "astronaut-crop"))}
    assert pairs[frozenset(("astronaut", "astronaut-crop"))].startswith("crop showing ")


def test_without_geometry_clip_cosine_alone_decides(library: Library) -> None:
    store, db, _ = library
    DuplicateFinder(store, db, DuplicateThresholds(geometric=None)).refresh()

    pairs = near_pairs(store, db)
    assert set(pairs) == {frozenset(("astronaut", "astronaut-crop")), frozenset(("coffee", "rocket"))}
    assert all(text.startswith("CLIP cosine ") for text in pairs.values())
