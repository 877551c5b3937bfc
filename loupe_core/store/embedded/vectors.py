"""An in-memory float32 matrix per vector field, addressed by SQLite rowid.

SQLite holds the vectors (so a row and its embedding commit together); this cache mirrors
them for exact cosine top-k. It catches up incrementally from each row's write sequence and
from tombstones, so a server sees what a separate indexer process wrote, and publishes a
`VectorSnapshot` per field that a search holds from start to end.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

FloatMatrix = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]

GATHER_BELOW = 0.12
"""Below this share of rows allowed, copy them out and score those only (cost ~ share); above it,
score the whole matrix in one contiguous matrix-vector product (~11 ms for 100k x 512 here)
and drop the disallowed scores: copying 80% of a 200 MB matrix costs six times that."""


@lru_cache(maxsize=1)
def use_one_blas_thread() -> None:
    """One BLAS thread for the whole process, set once when a store opens.

    A matrix-vector product is memory-bound, so a second BLAS thread gains little alone, and
    under concurrent queries (the API's thread pool) OpenBLAS's spinning threads fight each
    other: measured on 2 cores under load, 2,000 x 512 took 14 ms with two threads and 0.15 ms
    with one. The cores are used instead by running a query's vector lists side by side
    (`EmbeddedStore._fused`). Set once rather than around each product: limits entered and
    left by concurrent threads restore each other's values in the wrong order.
    """
    threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class VectorSnapshot:
    """One vector field as of one write sequence: which rows exist is fixed for the search holding it.

    `present` is this snapshot's own read-only copy. The matrix is shared with later snapshots
    and grows by replacement; rows are written in place, so a row re-embedded while a search
    runs may be scored with its new vector, but no row appears or disappears under a search,
    and what a caller may see comes from the filter snapshot, never from here.
    """

    matrix: FloatMatrix
    present: npt.NDArray[np.bool_]
    size: int
    """One past the highest rowid ever set: the matrix beyond it is spare capacity."""

    def top_k(self, query: FloatMatrix, k: int, allowed: Mask | None) -> list[tuple[int, float]]:
        """Exact cosine (vectors are unit length) over present rows that `allowed` lets through;
        ties broken by rowid. Exact, so recall under any filter is 1.0 by construction."""
        size = self.size if allowed is None else min(self.size, len(allowed))
        usable = self.present[:size] if allowed is None else self.present[:size] & allowed[:size]
        count = int(np.count_nonzero(usable))
        if count == 0:
            return []
        if count < GATHER_BELOW * size:
            rows = np.flatnonzero(usable)
            scores = self.matrix[rows] @ query
        else:
            scores = self.matrix[:size] @ query
            scores[~usable] = -np.inf
            rows = np.arange(size)
        k = min(k, count)
        if k < len(rows):
            picked = np.argpartition(-scores, k - 1)[:k]
            rows, scores = rows[picked], scores[picked]
        order = np.lexsort((rows, -scores))
        return [(int(rows[i]), float(scores[i])) for i in order]


class VectorColumn:
    """Builds one field's snapshots: rows set or cleared since the last one, then `publish`."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._matrix: FloatMatrix = np.zeros((0, dimension), dtype=np.float32)
        self._present: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._size = 0
        self.snapshot = self.publish()

    def begin(self) -> None:
        """Start a round of changes on a private copy of `present` (the snapshot keeps its own)."""
        self._present = self._present.copy()

    def _ensure(self, rowid: int) -> None:
        if rowid < len(self._present):
            return
        capacity = max(rowid + 1, 2 * len(self._present), 1024)
        matrix = np.zeros((capacity, self.dimension), dtype=np.float32)
        matrix[: len(self._matrix)] = self._matrix
        present = np.zeros(capacity, dtype=bool)
        present[: len(self._present)] = self._present
        self._matrix, self._present = matrix, present

    def set(self, rowid: int, blob: bytes | None) -> None:
        self._ensure(rowid)
        if blob is None:
            self._present[rowid] = False
            return
        self._matrix[rowid] = np.frombuffer(blob, dtype=np.float32)
        self._present[rowid] = True
        self._size = max(self._size, rowid + 1)

    def clear(self, rowid: int) -> None:
        if rowid < len(self._present):
            self._present[rowid] = False

    def publish(self) -> VectorSnapshot:
        present = self._present
        present.flags.writeable = False
        self.snapshot = VectorSnapshot(self._matrix, present, self._size)
        return self.snapshot


class VectorCache:
    """All vector columns of one store, kept in step with the database by write sequence."""

    def __init__(self, dimensions: dict[str, int]) -> None:
        use_one_blas_thread()
        self.columns = {name: VectorColumn(dim) for name, dim in dimensions.items()}
        self.seq = 0
        self.tombstone_seq = 0

    def snapshot(self) -> dict[str, VectorSnapshot]:
        return {name: column.snapshot for name, column in self.columns.items()}

    def catch_up(self, conn: sqlite3.Connection) -> dict[str, VectorSnapshot]:
        """Apply tombstones and rows written since the last call; returns the new snapshots."""
        tombstones = conn.execute(
            "SELECT seq, asset_rowid FROM tombstones WHERE seq > ? ORDER BY seq", (self.tombstone_seq,)
        ).fetchall()
        names = list(self.columns)
        select = ", ".join(f'"{n}"' for n in names)
        written = conn.execute(f"SELECT rowid, seq, {select} FROM assets WHERE seq > ? ORDER BY seq", (self.seq,))  # noqa: S608 — column names from the schema layout; values are bound  # nosec B608
        for column in self.columns.values():
            column.begin()
        for seq, rowid in tombstones:
            for column in self.columns.values():
                column.clear(rowid)
            self.tombstone_seq = seq
        for row in written:
            rowid, seq = row[0], row[1]
            for name, blob in zip(names, row[2:], strict=True):
                self.columns[name].set(rowid, blob)
            self.seq = max(self.seq, seq)
        return {name: column.publish() for name, column in self.columns.items()}
