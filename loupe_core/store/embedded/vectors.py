"""An in-memory float32 matrix per vector field, addressed by SQLite rowid.

SQLite holds the vectors (so a row and its embedding commit together); this cache mirrors
them for exact cosine top-k. It catches up incrementally from each row's write sequence and
from tombstones, so a server sees what a separate indexer process wrote.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
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


def normalize(vector: npt.ArrayLike) -> npt.NDArray[np.float32]:
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(array))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("vector has zero or non-finite norm")
    return array / norm


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


@dataclass
class VectorColumn:
    dimension: int
    matrix: FloatMatrix = field(init=False)
    present: npt.NDArray[np.bool_] = field(init=False)
    size: int = field(init=False, default=0)
    """One past the highest rowid ever set: the matrix beyond it is spare capacity."""

    def __post_init__(self) -> None:
        self.matrix = np.zeros((0, self.dimension), dtype=np.float32)
        self.present = np.zeros(0, dtype=bool)

    def _ensure(self, rowid: int) -> None:
        if rowid < len(self.present):
            return
        capacity = max(rowid + 1, 2 * len(self.present), 1024)
        matrix = np.zeros((capacity, self.dimension), dtype=np.float32)
        matrix[: len(self.matrix)] = self.matrix
        present = np.zeros(capacity, dtype=bool)
        present[: len(self.present)] = self.present
        self.matrix, self.present = matrix, present

    def set(self, rowid: int, blob: bytes | None) -> None:
        self._ensure(rowid)
        if blob is None:
            self.present[rowid] = False
            return
        self.matrix[rowid] = np.frombuffer(blob, dtype=np.float32)
        self.present[rowid] = True
        self.size = max(self.size, rowid + 1)

    def clear(self, rowid: int) -> None:
        if rowid < len(self.present):
            self.present[rowid] = False

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


class VectorCache:
    """All vector columns of one store, kept in step with the database by write sequence."""

    def __init__(self, dimensions: dict[str, int]) -> None:
        use_one_blas_thread()
        self.columns = {name: VectorColumn(dim) for name, dim in dimensions.items()}
        self.seq = 0
        self.tombstone_seq = 0

    def catch_up(self, conn: sqlite3.Connection) -> None:
        for seq, rowid in conn.execute(
            "SELECT seq, asset_rowid FROM tombstones WHERE seq > ? ORDER BY seq", (self.tombstone_seq,)
        ):
            for column in self.columns.values():
                column.clear(rowid)
            self.tombstone_seq = seq
        names = list(self.columns)
        select = ", ".join(f'"{n}"' for n in names)
        for row in conn.execute(f"SELECT rowid, seq, {select} FROM assets WHERE seq > ? ORDER BY seq", (self.seq,)):  # noqa: S608 — column names from the schema layout; values are bound  # nosec B608
            rowid, seq = row[0], row[1]
            for name, blob in zip(names, row[2:], strict=True):
                self.columns[name].set(rowid, blob)
            self.seq = max(self.seq, seq)
