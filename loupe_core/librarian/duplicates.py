"""Duplicate detection in three queues, computed incrementally and stored as pairs.

- exact: same sha256;
- visual: pHash within a Hamming distance (resized, recompressed copies), or pHash and dHash
  both within a looser one (small crops, watermarks). Two independent 64-bit hashes agreeing
  is far rarer by chance than one hash at the tight distance (for unrelated images each bit
  differs with probability 1/2: P(d <= 8) ~ 3e-10, while P(d <= 14)^2 ~ 1e-11), so the
  second rule adds recall without adding chance matches at library scale;
- near: the same scene where the first two did not see it (tight crops, rotations, mirrors,
  perspective, second takes), confirmed geometrically from the local features the indexer
  kept (`geometric_match`), so it works with no model at all. Candidates stay bounded: per
  asset, the few that share most local descriptors (`descriptor_votes`) and, with a CLIP
  model, its k-NN neighbours above the cosine threshold. Geometry is the precision filter on
  CLIP's candidates; a pair where either side has no local features (a flat image, a library
  indexed before features existed, `duplicate_geometric` off) keeps the cosine rule alone.

Only assets that are new or changed since the last run are checked, against everything.
Each pair keeps a sentence saying what matched, for the librarian.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np

from loupe_core.feature_files import FeatureFiles
from loupe_core.librarian.descriptor_votes import DescriptorVotes
from loupe_core.librarian.geometric_match import GeometricThresholds, verify
from loupe_core.librarian.hash_index import HashIndex
from loupe_core.local_features import LocalFeatures
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
    geometric: GeometricThresholds | None = field(default_factory=GeometricThresholds)
    """None: no geometric check (the near queue is CLIP's cosine alone)."""
    geometric_candidates: int = 10
    min_votes: float = 3.0
    """Descriptors two assets must share before they are worth verifying."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DuplicateThresholds:
        geometric = GeometricThresholds(
            settings.duplicate_geometric_min_inliers, settings.duplicate_geometric_min_coverage
        )
        return cls(
            settings.duplicate_phash_distance,
            settings.duplicate_near_cosine,
            agreeing_distance=settings.duplicate_agreeing_distance,
            geometric=geometric if settings.duplicate_geometric else None,
            geometric_candidates=settings.duplicate_geometric_candidates,
        )


@dataclass(frozen=True)
class RefreshStats:
    checked: int
    pairs: dict[DuplicateQueue, int]


@dataclass(frozen=True)
class _Found:
    queue: DuplicateQueue
    score: float
    explanation: str = ""


Found = dict[tuple[str, str], _Found]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class DuplicateFinder:
    """`features`: where the indexer keeps local features (`Settings.features_dir`); None: no geometric check."""

    def __init__(
        self,
        store: AssetStore,
        db: ConnectionPool,
        thresholds: DuplicateThresholds,
        features: FeatureFiles | None = None,
    ) -> None:
        self.store = store
        self.db = db
        self.thresholds = thresholds
        self.features = features if thresholds.geometric is not None else None

    def _fingerprint(self, asset: Asset) -> str:
        """What the pairs depend on: a changed hash, a new vector or newly derived features re-check the asset."""
        has_features = self.features is not None and self.features.has(asset.sha256 or "")
        return json.dumps([asset.sha256, asset.phash, asset.dhash, asset.image_vector is not None, has_features])

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
        fingerprints = {a.id: self._fingerprint(a) for a in assets.values()}
        fresh = [a for a in assets.values() if checked.get(a.id) != fingerprints[a.id]]
        gone = [asset_id for asset_id in checked if asset_id not in assets]
        stale = [a.id for a in fresh] + gone

        found: Found = {}
        self._exact_and_visual(assets, fresh, found)
        features = self._load_features(assets) if fresh else {}
        self._near(vectors, features, fresh, found)
        self._geometric(features, fresh, found)
        with self.db.write() as tx:
            tx.executemany("DELETE FROM duplicate_pairs WHERE a = ? OR b = ?", [(i, i) for i in stale])
            tx.executemany("DELETE FROM duplicate_checked WHERE asset_id = ?", [(i,) for i in gone])
            tx.executemany(
                "INSERT OR REPLACE INTO duplicate_pairs(a, b, queue, score, explanation) VALUES (?, ?, ?, ?, ?)",
                [(a, b, f.queue.value, f.score, f.explanation) for (a, b), f in found.items()],
            )
            tx.executemany(
                "INSERT OR REPLACE INTO duplicate_checked(asset_id, fingerprint) VALUES (?, ?)",
                [(a.id, fingerprints[a.id]) for a in fresh],
            )
        counts = {queue: 0 for queue in DuplicateQueue}
        for pair in found.values():
            counts[pair.queue] += 1
        return RefreshStats(checked=len(fresh), pairs=counts)

    def _load_features(self, assets: dict[str, Asset]) -> dict[str, LocalFeatures]:
        """Every asset's stored local features (read, never computed: no original is decoded here)."""
        if self.features is None:
            return {}
        loaded: dict[str, LocalFeatures] = {}
        by_sha: dict[str, LocalFeatures | None] = {}
        for asset in assets.values():
            if asset.sha256:
                if asset.sha256 not in by_sha:
                    by_sha[asset.sha256] = self.features.read(asset.sha256)
                if (features := by_sha[asset.sha256]) is not None and len(features.plain):
                    loaded[asset.id] = features
        return loaded

    def _exact_and_visual(self, assets: dict[str, Asset], fresh: list[Asset], found: Found) -> None:
        by_sha: dict[str, list[str]] = {}
        for asset in assets.values():
            if asset.sha256:
                by_sha.setdefault(asset.sha256, []).append(asset.id)
        hashes = HashIndex((a.id, a.phash, a.dhash) for a in assets.values() if a.phash)
        for asset in fresh:
            for other in by_sha.get(asset.sha256 or "", []):
                if other != asset.id:
                    found[_pair(asset.id, other)] = _Found(DuplicateQueue.exact, 1.0)
            if not asset.phash:
                continue
            limits = (self.thresholds.phash_distance, self.thresholds.agreeing_distance)
            for other, distance in hashes.matches(asset.phash, asset.dhash, *limits):
                pair = _pair(asset.id, other)
                if other != asset.id and pair not in found:
                    found[pair] = _Found(DuplicateQueue.visual, float(distance))

    def _verified(self, features: dict[str, LocalFeatures], a: str, b: str, mirrored: bool) -> _Found | None:
        """The geometric check of `a` against `b` (b mirrored when `mirrored`), as a near pair or None."""
        geometric = self.thresholds.geometric
        match = None if geometric is None else verify(features[a], features[b], mirrored, geometric)
        return None if match is None else _Found(DuplicateQueue.near, match.overlap, match.explanation())

    def _near(
        self, vectors: dict[str, np.ndarray], features: dict[str, LocalFeatures], fresh: list[Asset], found: Found
    ) -> None:
        """CLIP's neighbours: kept when geometry confirms them, or on cosine alone where either lacks features."""
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
                if cosine < self.thresholds.near_cosine:
                    continue
                if asset.id in features and hit.asset.id in features:
                    confirmed = self._verified(features, asset.id, hit.asset.id, False) or self._verified(
                        features, asset.id, hit.asset.id, True
                    )
                    if confirmed is not None:
                        found[pair] = confirmed
                else:
                    found[pair] = _Found(DuplicateQueue.near, round(cosine, 4), f"CLIP cosine {cosine:.2f}")

    def _geometric(self, features: dict[str, LocalFeatures], fresh: list[Asset], found: Found) -> None:
        """No model needed: the assets sharing most local descriptors with each fresh one, verified."""
        if not features:
            return
        votes = DescriptorVotes(features.items())
        limit, min_votes = self.thresholds.geometric_candidates, self.thresholds.min_votes
        for asset in fresh:
            if asset.id not in features:
                continue
            # Copies already paired (exact, visual, or from the other side) do not use up the limit.
            asked = votes.candidates(asset.id, features[asset.id], 3 * limit, min_votes)
            unknown = [c for c in asked if _pair(asset.id, c.asset_id) not in found][:limit]
            for candidate in unknown:
                pair = _pair(asset.id, candidate.asset_id)
                if pair in found:  # the same asset through its plain and its mirrored features
                    continue
                # Candidates through the mirror: mirror(asset) ~ other, i.e. other ~ mirror(asset).
                first, second = (candidate.asset_id, asset.id) if candidate.mirrored else (asset.id, candidate.asset_id)
                if (confirmed := self._verified(features, first, second, candidate.mirrored)) is not None:
                    found[pair] = confirmed


def mark_not_duplicate(db: ConnectionPool, a: str, b: str, actor: str) -> None:
    first, second = _pair(a, b)
    with db.write() as tx:
        tx.execute(
            "INSERT OR REPLACE INTO not_duplicates(a, b, actor, at) VALUES (?, ?, ?, ?)",
            (first, second, actor, datetime.now(UTC).isoformat(timespec="seconds")),
        )
