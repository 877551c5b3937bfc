"""Derives a vector field's relevance floor from the model and the library, not from a guess.

A "null" query means nothing: a random string of letters such as `qwxzv`. Whatever cosine a
model gives between null queries and the library's vectors is what it gives to meaningless
matches, so the floor is a high quantile of that distribution: a null query clears it for about
one asset in a thousand. It adapts to the model (MiniLM's text-to-text cosines and CLIP's
text-to-image cosines live on different scales, and a random-weight test model on yet another)
and to the library (a library of logos sits closer to any text than one of landscapes).

Measured on the demo library with all-MiniLM-L6-v2: null cosines have mean 0.07 and standard
deviation 0.07, the floor comes out near 0.31, and real queries reach their targets at 0.39
("feline" -> the cat) to 0.60 ("coffee" -> the espresso) while `qwxzv` peaks at 0.24.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

NULL_QUERY_COUNT = 128
FLOOR_QUANTILE = 0.999
LIBRARY_SAMPLE = 2000
"""Library vectors compared with each null query: enough for a stable 99.9th percentile."""
NULL_SEED = 13

TextEncoder = Callable[[Sequence[str]], npt.NDArray[np.float32]]


class Calibration(BaseModel):
    """A field's floor and how it was derived (stored, so that a restart does not recompute it)."""

    field: str
    model: str
    floor: float
    quantile: float
    null_queries: int
    library_size: int
    computed_at: datetime


def null_queries(count: int = NULL_QUERY_COUNT, seed: int = NULL_SEED) -> list[str]:
    """Meaningless queries: one or two random lower-case words of 3 to 10 letters (seeded)."""
    rng = random.Random(seed)  # noqa: S311 — seeded nonsense queries for calibration, not a secret

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))

    return [" ".join(word() for _ in range(rng.randint(1, 2))) for _ in range(count)]


def unit_rows(vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def null_floor(null_vectors: npt.ArrayLike, library_vectors: npt.ArrayLike, quantile: float = FLOOR_QUANTILE) -> float:
    """The `quantile` of every null-query-to-asset cosine."""
    similarities = unit_rows(null_vectors) @ unit_rows(library_vectors).T
    return float(np.quantile(similarities, quantile))


def calibrate(
    field: str, model: str, encode: TextEncoder, library_vectors: npt.ArrayLike, library_size: int
) -> Calibration:
    """`library_vectors`: a sample of the field's vectors; `library_size`: how many assets there were."""
    queries = null_queries()
    return Calibration(
        field=field,
        model=model,
        floor=round(null_floor(encode(queries), library_vectors), 4),
        quantile=FLOOR_QUANTILE,
        null_queries=len(queries),
        library_size=library_size,
        computed_at=datetime.now(UTC),
    )
