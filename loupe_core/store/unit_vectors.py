"""Vectors as every backend stores and queries them: float32, unit length, refused when they cannot be.

Both stores normalise with this one function, so `get()` returns the same values from either and
cosine scoring never meets a zero vector.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def normalize(vector: npt.ArrayLike) -> npt.NDArray[np.float32]:
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(array))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("vector has zero or non-finite norm")
    return array / norm
