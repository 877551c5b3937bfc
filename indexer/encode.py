"""Adds image and text embeddings to assets being built, in batches, on the main process.

Models load on first use, so a re-run where nothing changed never loads CLIP. A missing model
is announced once and the asset is indexed without that vector; a batch the model chokes on
is retried image by image, so one bad image cannot cost its neighbours their vectors. When
a batch's worth of images in a row fail on their own too, the model itself is broken (out of
memory, a dead device): the run stops with `EncoderUnavailable` instead of reporting every
remaining file as bad, and the journal lets the next run resume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from PIL import Image

from indexer.report import IndexProblem, Reason
from loupe_core.encoders.clip import ClipEncoder, Embeddings
from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.encoders.text import SentenceEncoder
from loupe_core.errors import EncoderUnavailable
from loupe_core.schema import Asset

T = TypeVar("T")


@dataclass
class Draft:
    """An asset on its way to the store.

    `pixels` is None when the image vector is already known (kept from the stored asset when
    only metadata changed, or from the journal of an interrupted run); the text vector is
    always recomputed because it is made of the metadata.
    """

    path: Path
    asset: Asset
    pixels: Image.Image | None = None


class Embedder:
    """Batches drafts through the configured encoders, degrading to "no vector" when one is missing."""

    def __init__(self, encoders: Encoders, batch_size: int, warn: Callable[[str], None]) -> None:
        self._encoders = encoders
        self._batch_size = batch_size
        self._warn = warn
        self._failures_in_a_row = 0
        self._broken_after = max(2, batch_size)
        """Items failing in a row, each on its own, that mean the model is broken rather than the images."""

    @cached_property
    def clip(self) -> ClipEncoder | None:
        """Loaded on first access; warns once when unavailable."""
        encoder = self._encoders.clip()
        if encoder is None:
            self._warn(f"indexing without image vectors: {self._encoders.problems.get('clip', 'no CLIP model')}")
        return encoder

    @cached_property
    def text(self) -> SentenceEncoder | None:
        """Loaded on first access; warns once when unavailable."""
        encoder = self._encoders.text()
        if encoder is None:
            self._warn(f"indexing without text vectors: {self._encoders.problems.get('text', 'no text model')}")
        return encoder

    def input_size(self) -> int | None:
        """The image encoder's input short side (loads it); None when there is no image encoder."""
        return self.clip.input_size if self.clip is not None else None

    def embed_images(self, drafts: Sequence[Draft]) -> dict[int, IndexProblem]:
        """Image vectors for the drafts that carry pixels, set in place; the pixels are released.

        Returns a problem per failed draft, by its index in `drafts`.
        """
        failures: dict[int, IndexProblem] = {}
        with_pixels = {i: d.pixels for i, d in enumerate(drafts) if d.pixels is not None}
        if with_pixels and self.clip is not None:
            vectors = self._batched(self.clip.encode_images, list(with_pixels.values()))
            self._apply(drafts, failures, "image_vector", zip(with_pixels, vectors, strict=True))
        for draft in drafts:
            draft.pixels = None
        return failures

    def embed_texts(self, drafts: Sequence[Draft]) -> dict[int, IndexProblem]:
        """Text vectors of the metadata, set in place; returns a problem per failed draft, by index."""
        failures: dict[int, IndexProblem] = {}
        texts = {i: text for i, d in enumerate(drafts) if (text := metadata_text(d.asset))}
        if texts and self.text is not None:
            vectors = self._batched(self.text.encode_texts, list(texts.values()))
            self._apply(drafts, failures, "text_vector", zip(texts, vectors, strict=True))
        return failures

    @staticmethod
    def _apply(
        drafts: Sequence[Draft],
        failures: dict[int, IndexProblem],
        name: str,
        results: Iterable[tuple[int, list[float] | str]],
    ) -> None:
        for i, vector in results:
            if isinstance(vector, str):
                failures[i] = IndexProblem.of(drafts[i].path, Reason.encode_failed, f"{name}: {vector}")
            else:
                drafts[i].asset = drafts[i].asset.model_copy(update={name: vector})

    def _batched(self, encode: Callable[[list[T]], Embeddings], items: list[T]) -> list[list[float] | str]:
        """One vector per item, or the error message for an item the model could not encode."""
        results: list[list[float] | str] = []
        for start in range(0, len(items), self._batch_size):
            batch = items[start : start + self._batch_size]
            try:
                results.extend(row.tolist() for row in encode(batch))
                self._failures_in_a_row = 0
            except Exception:  # torch/PIL raise many types; isolate the culprit below
                results.extend(self._one_by_one(encode, batch))
        return results

    def _one_by_one(self, encode: Callable[[list[T]], Embeddings], batch: list[T]) -> list[list[float] | str]:
        """Per-item vectors or error messages; raises once failures in a row show the model itself is broken.

        The streak spans batches because a batch can be a single file when the decoders lag.
        """
        results: list[list[float] | str] = []
        for item in batch:
            try:
                results.append(encode([item])[0].tolist())
                self._failures_in_a_row = 0
            except Exception as exc:  # reported per file: the rest of the run goes on
                results.append(f"{type(exc).__name__}: {exc}")
                self._failures_in_a_row += 1
                if self._failures_in_a_row >= self._broken_after:
                    raise EncoderUnavailable(
                        f"the encoder failed on {self._failures_in_a_row} items in a row, one by one: {results[-1]}"
                    ) from exc
        return results
