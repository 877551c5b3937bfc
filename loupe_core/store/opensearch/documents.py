"""Assets to and from OpenSearch `_source`, with vectors checked against the mapping first.

A wrong dimension is caught here, before the bulk request, so it is reported per document
(exactly like the embedded store) instead of failing a whole chunk or being found later.
Vectors are stored unit-length, as the embedded store does, so `get()` returns the same
values from both backends and cosine scoring never meets a zero vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from loupe_core.schema import Asset
from loupe_core.store.unit_vectors import normalize


def checked_vector(field: str, values: Sequence[float], expected: int) -> npt.NDArray[np.float32]:
    """Kept as float32 NumPy: the client's serializer writes it compactly (see serializer.py)."""
    if len(values) != expected:
        raise ValueError(f"{field} has {len(values)} dimensions, the mapping says {expected}")
    return normalize(values)


def asset_source(asset: Asset, dimensions: dict[str, int]) -> dict[str, Any]:
    """The document body; absent vectors are left out rather than sent as null.

    So is empty `ocr_text`: an empty string still counts for `exists` on a text field, and
    "no words read" must be no value for the `has_text` filter (reading fills the default back in).
    """
    source = asset.model_dump(mode="json", exclude=set(dimensions))
    if not source.get("ocr_text"):
        source.pop("ocr_text", None)
    for field, expected in dimensions.items():
        vector = getattr(asset, field)
        if vector is not None:
            source[field] = checked_vector(field, vector, expected)
    return source
