"""Duplicate detection in three queues, computed incrementally and stored as pairs.

- exact: same sha256;
- visual: pHash within a Hamming distance (resized, recompressed copies), or pHash and dHash
  both within a looser one (small crops, watermarks). Two independent 64-bit hashes agreeing
  is far rarer by chance than one hash at the tight distance (for unrelated images each bit
  differs with probability 1/2: P(d <= 8) ~ 3e-10, while P(d <= 14)^2 ~ 1e-11), so the
  second rule adds recall without adding chance matches at library scale;
- near: CLIP cosine above a threshold among pairs the first two did not catch (crops,
  edits, second takes), found with the backend's own filtered k-NN per asset.

Only assets that are new or changed since the last run are checked, against everything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np

from loupe_core.librarian.hash_index import HashIndex
from loupe_core.query import Filters, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool


class DuplicateQueue(StrEnum):
    exact = "exact"
    visual = "visual"
    near = "near"


@dataclass(frozen=True)
class DuplicateThresholds:
    phash_distance: int = 8
    near_cosine: float = 0.90
    neighbours: int = 10
    agreeing_distance: int = 14
    """pHash and dHash both within this distance also make a visual pair (0: off)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DuplicateThresholds:
        return cls(
            settings.duplicate_phash_distance,
            settings.duplicate_near_cosine,
            agreeing_distance=settings.duplicate_agreeing_distance,
        )


@dataclass(frozen=True)
class RefreshStats:
    checked: int
    pairs: dict[DuplicateQueue, int]


def _fingerprint(asset: Asset) -> str:
    return json.dumps([asset.sha256, asset.phash, asset.dhash, asset.image_vector is not None])


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class DuplicateFinder:
    def __init__(self, store: AssetStore, db: ConnectionPool, thresholds: DuplicateThresholds) -> None:
        self.store = store
        self.db = db
        self.thresholds = thresholds

    def refresh(self) -> RefreshStats:
        """Check new or changed assets; forget pairs of assets that no longer exist."""
        assets: dict[str, Asset] = {}
        vectors: dict[str, np.ndarray] = {}
        for asset in self.store.scan(with_vectors=True):
            if asset.image_vector is not None:
                vectors[asset.id] = np.asarray(asset.image_vector, dtype=np.float32)
            assets[asset.id] = asset.without_vectors()
        conn = self.db.get()
        checked = dict(conn.execute("SELECT asset_id, fingerprint FROM duplicate_checked").fetchall())
        fresh = [a for a in assets.values() if checked.get(a.id) != _fingerprint(a)]
        gone = [asset_id for asset_id in checked if asset_id not in assets]
        stale = [a.id for a in fresh] + gone

        found: dict[tuple[str, str], tuple[DuplicateQueue, float]] = {}
        self._exact_and_visual(assets, fresh, found)
        self._near(vectors, fresh, found)
        with self.db.write() as tx:
            tx.executemany("DELETE FROM duplicate_pairs WHERE a = ? OR b = ?", [(i, i) for i in stale])
            tx.executemany("DELETE FROM duplicate_checked WHERE asset_id = ?", [(i,) for i in gone])
            tx.executemany(
                "INSERT OR REPLACE INTO duplicate_pairs(a, b, queue, score) VALUES (?, ?, ?, ?)",
                [(a, b, queue.value, score) for (a, b), (queue, score) in found.items()],
            )
            tx.executemany(
                "INSERT OR REPLACE INTO duplicate_checked(asset_id, fingerprint) VALUES (?, ?)",
                [(a.id, _fingerprint(a)) for a in fresh],
            )
        counts = {queue: 0 for queue in DuplicateQueue}
        for queue, _ in found.values():
            counts[queue] += 1
        return RefreshStats(checked=len(fresh), pairs=counts)

    def _exact_and_visual(
        self, assets: dict[str, Asset], fresh: list[Asset], found: dict[tuple[str, str], tuple[DuplicateQueue, float]]
    ) -> None:
        by_sha: dict[str, list[str]] = {}
        for asset in assets.values():
            if asset.sha256:
                by_sha.setdefault(asset.sha256, []).append(asset.id)
        hashes = HashIndex((a.id, a.phash, a.dhash) for a in assets.values() if a.phash)
        for asset in fresh:
            for other in by_sha.get(asset.sha256 or "", []):
                if other != asset.id:
                    found[_pair(asset.id, other)] = (DuplicateQueue.exact, 1.0)
            if not asset.phash:
                continue
            limits = (self.thresholds.phash_distance, self.thresholds.agreeing_distance)
            for other, distance in hashes.matches(asset.phash, asset.dhash, *limits):
                pair = _pair(asset.id, other)
                if other != asset.id and pair not in found:
                    found[pair] = (DuplicateQueue.visual, float(distance))

    def _near(
        self,
        vectors: dict[str, np.ndarray],
        fresh: list[Asset],
        found: dict[tuple[str, str], tuple[DuplicateQueue, float]],
    ) -> None:
        k = self.thresholds.neighbours
        for asset in fresh:
            vector = vectors.get(asset.id)
            if vector is None:
                continue
            result = self.store.search(
                Query(
                    mode=SearchMode.semantic,
                    vectors={VectorField.image: vector.tolist()},
                    filters=Filters(exclude_ids=(asset.id,)),
                    facets=(),
                    knn_k=k,
                    size=k,
                )
            )
            for hit in result.hits:
                other = vectors.get(hit.asset.id)
                pair = _pair(asset.id, hit.asset.id)
                if other is None or pair in found:
                    continue
                cosine = float(vector @ other / (np.linalg.norm(vector) * np.linalg.norm(other)))
                if cosine >= self.thresholds.near_cosine:
                    found[pair] = (DuplicateQueue.near, round(cosine, 4))


def mark_not_duplicate(db: ConnectionPool, a: str, b: str, actor: str) -> None:
    first, second = _pair(a, b)
    with db.write() as tx:
        tx.execute(
            "INSERT OR REPLACE INTO not_duplicates(a, b, actor, at) VALUES (?, ?, ?, ?)",
            (first, second, actor, datetime.now(UTC).isoformat(timespec="seconds")),
        )
