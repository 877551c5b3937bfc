"""A library of real photos and planted duplicates, loaded into each backend."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image
from skimage import data

from loupe_core.librarian.db import open_librarian_db
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool
from tests.backends import BACKENDS, close_backend, open_backend
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)

PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "camera", "coins", "moon"]


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def photo_asset(asset_id: str, encoded: bytes, vector: np.ndarray, **metadata: object) -> Asset:
    image = Image.open(io.BytesIO(encoded))
    return Asset(
        id=asset_id,
        sha256=hashlib.sha256(encoded).hexdigest(),
        phash=str(imagehash.phash(image)),
        dhash=str(imagehash.dhash(image)),
        width=image.width,
        height=image.height,
        image_vector=vector.tolist(),
        **metadata,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Planted:
    assets: list[Asset]
    exact: set[str]
    visual: set[str]
    near: set[str]
    distinct: set[str]


def planted_library() -> Planted:
    """Astronaut and four variants, six distinct photos; vectors: variants near one centre."""
    rng = np.random.default_rng(3)
    base = Image.fromarray(data.astronaut())
    centre = rng.normal(size=512)
    original = jpeg(base)
    w, h = base.size
    variants = {
        "astro-original": original,
        "astro-copy": original,
        "astro-resized": jpeg(base.resize((w // 2, h // 2))),
        "astro-q30": jpeg(base, quality=30),
        "astro-crop": jpeg(base.crop((w // 10, h // 10, w, h))),
    }
    assets = [
        photo_asset(i, b, centre + 0.05 * rng.normal(size=512), title="Astronaut", tags=["space"],
               status="approved" if i == "astro-resized" else "draft")
        for i, b in variants.items()
    ]  # fmt: skip
    for name in PHOTOS[1:]:
        assets.append(photo_asset(f"photo-{name}", jpeg(Image.fromarray(getattr(data, name)())), rng.normal(size=512)))
    return Planted(
        assets=assets,
        exact={"astro-original", "astro-copy"},
        visual={"astro-original", "astro-copy", "astro-resized", "astro-q30"},
        near={"astro-original", "astro-copy", "astro-resized", "astro-q30", "astro-crop"},
        distinct={a.id for a in assets if a.id.startswith("photo-")},
    )


@pytest.fixture(scope="module")
def planted() -> Planted:
    return planted_library()


@pytest.fixture(params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path: Path, planted: Planted
) -> Iterator[tuple[AssetStore, ConnectionPool]]:
    store = open_backend(request.param, tmp_path, request)
    assert not store.upsert(planted.assets).failures
    store.refresh()
    db = open_librarian_db(tmp_path / "librarian.sqlite3")
    yield store, db
    db.close()
    close_backend(store)
