"""The image encoder raising mid-batch: a transient error, one image it always rejects, and a model that dies.

Whatever it does, a re-run with a healthy encoder ends with every asset indexed exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from indexer.pipeline import IndexReport, run_index
from indexer.report import Reason
from loupe_core.encoders.clip import ClipEncoder, Embeddings
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import EncoderUnavailable
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from tests.indexer.conftest import BATCH_SIZE
from tests.indexer.photos import write_photo

MAGENTA = (255, 0, 255)
FILES = 3 * BATCH_SIZE


class FlakyClip:
    """The real encoder behind a rule that decides, per call, whether the call raises."""

    def __init__(self, real: ClipEncoder, fails: Callable[[int, Sequence[Image.Image]], bool]) -> None:
        self._real = real
        self._fails = fails
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def encode_images(self, images: Sequence[Image.Image]) -> Embeddings:
        self.calls += 1
        if self._fails(self.calls, images):
            raise RuntimeError("CUDA out of memory (simulated)")
        return self._real.encode_images(list(images))


class FaultyEncoders:
    """Real text model, flaky image model: the two calls `Embedder` makes."""

    def __init__(self, real: Encoders, clip: FlakyClip) -> None:
        self._real = real
        self._clip = clip
        self.problems = real.problems

    def clip(self) -> FlakyClip:
        return self._clip

    def text(self) -> Any:
        return self._real.text()


def is_magenta(image: Image.Image) -> bool:
    return image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == MAGENTA


def fill(library: Path) -> set[str]:
    for seed in range(FILES):
        write_photo(library / f"p{seed:02d}.jpg", seed=seed)
    return {f"p{seed:02d}.jpg" for seed in range(FILES)}


def stored_files(store: AssetStore) -> list[str]:
    return sorted(asset.filename for asset in store.scan())


def run(settings: Settings, library: Path, store: AssetStore, encoders: Any) -> IndexReport:
    return run_index(settings, library, None, quiet=True, report_path=None, store=store, encoders=encoders)


def test_a_batch_that_fails_once_is_retried_image_by_image_and_nothing_is_lost(
    library: Path, index_settings: Settings, store: AssetStore, index_encoders: Encoders
) -> None:
    names = fill(library)
    clip = FlakyClip(index_encoders.clip(), lambda call, _: call == 2)  # type: ignore[arg-type]

    report = run(index_settings, library, store, FaultyEncoders(index_encoders, clip))

    assert report.failed == [] and report.indexed == FILES == report.encoded
    assert stored_files(store) == sorted(names)
    assert all(asset.image_vector for asset in store.scan(with_vectors=True))


def test_an_image_the_encoder_always_rejects_is_reported_and_its_neighbours_are_indexed(
    library: Path, index_settings: Settings, store: AssetStore, index_encoders: Encoders
) -> None:
    names = fill(library)
    Image.new("RGB", (64, 48), MAGENTA).save(library / "poison.png")
    clip = FlakyClip(index_encoders.clip(), lambda _, images: any(is_magenta(i) for i in images))  # type: ignore[arg-type]

    report = run(index_settings, library, store, FaultyEncoders(index_encoders, clip))

    assert [(Path(p.path).name, p.reason) for p in report.failed] == [("poison.png", Reason.encode_failed)]
    assert "CUDA out of memory" in report.failed[0].detail
    assert stored_files(store) == sorted(names)

    healed = run(index_settings, library, store, index_encoders)

    assert (healed.indexed, healed.unchanged, healed.failed) == (1, FILES, [])
    assert stored_files(store) == sorted([*names, "poison.png"])


def test_an_encoder_that_dies_stops_the_run_clearly_and_a_rerun_indexes_everything_once(
    library: Path, index_settings: Settings, store: AssetStore, index_encoders: Encoders
) -> None:
    names = fill(library)
    clip = FlakyClip(index_encoders.clip(), lambda call, _: call > 1)  # type: ignore[arg-type]

    with pytest.raises(EncoderUnavailable) as stopped:
        run(index_settings, library, store, FaultyEncoders(index_encoders, clip))

    message = str(stopped.value)
    assert f"failed on {BATCH_SIZE} items in a row" in message and "re-run to resume" in message
    first = stored_files(store)
    assert 1 <= len(first) < FILES  # what was encoded before the model died is indexed, nothing after

    report = run(index_settings, library, store, index_encoders)

    assert (report.unchanged, report.indexed, report.failed) == (len(first), FILES - len(first), [])
    assert stored_files(store) == sorted(names)
    assert len({asset.id for asset in store.scan()}) == FILES
