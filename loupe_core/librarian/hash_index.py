"""Visual-duplicate candidates: Hamming distances to every stored hash at once, in NumPy.

XOR plus a popcount over a uint64 array compares one hash with 50k others in about 0.06 ms
here, about a thousand times faster than walking a BK-tree in Python at the distances the
visual queue uses (65 ms), and the cost grows linearly with the library, so even a first
refresh of a large library stays practical.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _hashes(values: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """uint64 array of the hex hashes (0 where missing) and a mask of the present ones."""
    listed = list(values)
    present = np.array([bool(v) for v in listed], dtype=bool)
    return np.array([int(v, 16) if v else 0 for v in listed], dtype=np.uint64), present


class HashIndex:
    """pHash and dHash of every asset; `matches` applies the visual rule to all of them."""

    def __init__(self, entries: Iterable[tuple[str, str, str | None]]) -> None:
        """`entries`: (asset id, pHash hex, dHash hex or None) for every asset with a pHash."""
        rows = list(entries)
        self._ids = [asset_id for asset_id, _, _ in rows]
        self._phash, _ = _hashes(phash for _, phash, _ in rows)
        self._dhash, self._has_dhash = _hashes(dhash for _, _, dhash in rows)

    def matches(self, phash: str, dhash: str | None, phash_distance: int, agreeing: int) -> list[tuple[str, int]]:
        """(id, pHash distance) of every asset with pHash within `phash_distance`, or with pHash
        and dHash both within `agreeing`."""
        distance = np.bitwise_count(self._phash ^ np.uint64(int(phash, 16)))
        chosen = distance <= phash_distance
        if dhash and agreeing:
            agree = np.bitwise_count(self._dhash ^ np.uint64(int(dhash, 16))) <= agreeing
            chosen |= (distance <= agreeing) & agree & self._has_dhash
        return [(self._ids[i], int(distance[i])) for i in np.flatnonzero(chosen)]
