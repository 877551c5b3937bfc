"""Candidate pairs without a model: assets that share many local descriptors, found by voting.

A global hash cannot reach a crop of 30 % per edge (a sixth of the picture), a 90° turn or a
mirror: the whole-image signature changes. Local descriptors survive all three, so every
asset's strongest ORB descriptors go into a locality-sensitive hash index (several tables, each
keyed by a fixed random subset of the 256 bits: descriptors a few bits apart share a key in
some table), and an asset's candidates are the assets its own descriptors (and its mirror's)
hit most often. Only those few per asset are verified geometrically, never all pairs.

Memory while a refresh runs: `INDEXED` descriptors x (32 bytes, a 4-byte owner, and per table a
4-byte key and a 4-byte entry number) = 40 kB per asset. The key width grows with the index so
that a bucket holds about one entry by chance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from loupe_core.local_features import DESCRIPTOR_BYTES, LocalFeatures

INDEXED = 400
"""Descriptors per asset in the index (the strongest): enough hits for a tight crop to vote."""
TABLES = 8
MIN_KEY_BITS = 16
MAX_KEY_BITS = 26
BUCKET_LIMIT = 64
"""A bucket with more entries is texture every photo has (sky, noise): it votes for no one."""
MATCH_DISTANCE = 48
"""A hit votes only when the two descriptors are this close (of 256 bits): ORB's bits are far from
independent, so sharing a key is weak evidence alone, while unrelated descriptors lie ~100 apart."""
_SEED = 20240915


@dataclass(frozen=True)
class Candidate:
    asset_id: str
    mirrored: bool
    """Found through the asset's mirror image: verify against the other's plain features mirrored."""
    votes: float


def _key_bits(entries: int) -> int:
    return int(np.clip(np.ceil(np.log2(max(entries, 1))) + 2, MIN_KEY_BITS, MAX_KEY_BITS))


class DescriptorVotes:
    """The index over every asset's plain descriptors; `candidates` ranks the assets one asset hits."""

    def __init__(self, entries: Iterable[tuple[str, LocalFeatures]]) -> None:
        self._ids: list[str] = []
        blocks: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        for asset_id, features in entries:
            descriptors = features.plain.descriptors[:INDEXED]
            if len(descriptors):
                owners.append(np.full(len(descriptors), len(self._ids), dtype=np.int32))
                blocks.append(descriptors)
                self._ids.append(asset_id)
        self._position = {asset_id: index for index, asset_id in enumerate(self._ids)}
        bits = _key_bits(sum(len(b) for b in blocks))
        rng = np.random.default_rng(_SEED)
        self._bit_sets = [rng.choice(DESCRIPTOR_BYTES * 8, size=bits, replace=False) for _ in range(TABLES)]
        self._weights = (np.uint64(1) << np.arange(bits, dtype=np.uint64)).astype(np.uint64)
        all_descriptors = np.concatenate(blocks) if blocks else np.zeros((0, DESCRIPTOR_BYTES), np.uint8)
        all_owners = np.concatenate(owners) if owners else np.zeros(0, np.int32)
        self._descriptors = all_descriptors
        self._owners = all_owners
        self._tables: list[tuple[np.ndarray, np.ndarray]] = []
        for keys in self._keys(all_descriptors):
            order = np.argsort(keys, kind="stable").astype(np.int32)
            self._tables.append((keys[order], order))

    def __len__(self) -> int:
        return len(self._ids)

    def _keys(self, descriptors: np.ndarray) -> list[np.ndarray]:
        unpacked = np.unpackbits(descriptors, axis=1)
        return [(unpacked[:, chosen].astype(np.uint64) @ self._weights).astype(np.uint32) for chosen in self._bit_sets]

    def _votes(self, descriptors: np.ndarray, exclude: int) -> np.ndarray:
        """Per indexed asset, the votes of `descriptors` that come close to one of its own.

        A descriptor close to n assets gives each 1/n: blurry or repetitive texture is close to
        everyone and would otherwise outvote a real copy, while a descriptor shared by an original
        and its few copies still counts for each (a nearest-only ratio test would void it).
        `exclude` (the asking asset's own entry) gets nothing.
        """
        asked_parts, owner_parts = [], []
        for (keys, entries), query in zip(self._tables, self._keys(descriptors), strict=True):
            start = np.searchsorted(keys, query, side="left")
            lengths = np.searchsorted(keys, query, side="right") - start
            chosen = np.flatnonzero((lengths > 0) & (lengths <= BUCKET_LIMIT))
            starts, counts = start[chosen], lengths[chosen]
            # Every position of every chosen bucket at once: each start repeated, plus 0..count-1.
            positions = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
            entry, asked = entries[positions], np.repeat(chosen, counts)
            distance = np.bitwise_count(self._descriptors[entry] ^ descriptors[asked]).sum(axis=1)
            owner = self._owners[entry]
            keep = (distance <= MATCH_DISTANCE) & (owner != exclude)
            asked_parts.append(asked[keep])
            owner_parts.append(owner[keep])
        asked, owner = (np.concatenate(p) for p in (asked_parts, owner_parts))
        pairs = np.unique(owner.astype(np.int64) * len(descriptors) + asked)
        owner, asked = pairs // len(descriptors), pairs % len(descriptors)
        owners_hit = np.bincount(asked, minlength=len(descriptors))
        return np.bincount(owner, weights=1.0 / owners_hit[asked], minlength=len(self._ids))

    def candidates(self, asset_id: str, features: LocalFeatures, limit: int, min_votes: float) -> list[Candidate]:
        """At most `limit` other assets with at least `min_votes`, most votes first; plain and mirrored hits."""
        found: list[Candidate] = []
        for mirrored, kept in ((False, features.plain), (True, features.mirrored)):
            if not len(kept) or not self._ids:
                continue
            votes = self._votes(kept.descriptors, self._position.get(asset_id, -1))
            for index in np.argsort(-votes, kind="stable")[:limit]:
                if votes[index] >= min_votes:
                    found.append(Candidate(self._ids[index], mirrored, round(float(votes[index]), 2)))
        found.sort(key=lambda c: (-c.votes, c.asset_id, c.mirrored))
        return found[:limit]
