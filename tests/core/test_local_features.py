"""Local features: bounded size whatever the image, and a byte format that round-trips or refuses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from loupe_core.feature_files import FeatureFiles
from loupe_core.local_features import FEATURE_PX, KEYPOINTS, MIRRORED_KEYPOINTS, LocalFeatures, extract_local_features


def test_features_are_computed_at_a_bounded_size_and_kept_compact() -> None:
    huge = Image.fromarray(data.astronaut()).resize((6000, 6000))

    features = extract_local_features(huge)

    assert max(features.width, features.height) == FEATURE_PX
    kept = len(features.plain) + len(features.mirrored)
    assert 900 <= len(features.plain) <= KEYPOINTS and 250 <= len(features.mirrored) <= MIRRORED_KEYPOINTS
    assert len(features.to_bytes()) == 17 + kept * 36 <= 17 + 1300 * 36
    assert features.plain.points.max() < FEATURE_PX


def test_the_byte_format_round_trips(tmp_path: Path) -> None:
    features = extract_local_features(Image.fromarray(data.coffee()))
    files = FeatureFiles(tmp_path / "features")
    files.write("abc", features)

    read = files.read("abc")

    assert read is not None and (read.width, read.height) == (features.width, features.height)
    for kept, original in ((read.plain, features.plain), (read.mirrored, features.mirrored)):
        assert np.array_equal(kept.points, original.points) and np.array_equal(kept.descriptors, original.descriptors)
    assert [p.name for p in (tmp_path / "features").iterdir()] == ["abc.orb"]  # no temporary file left


@pytest.mark.parametrize("damage", [lambda b: b[:-5], lambda b: b"XXXXXXXXX" + b[9:], lambda b: b[:10]])
def test_a_damaged_file_reads_as_missing(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    files = FeatureFiles(tmp_path)
    files.path("abc").write_bytes(damage(extract_local_features(Image.fromarray(data.camera())).to_bytes()))

    assert files.read("abc") is None
    with pytest.raises(ValueError):
        LocalFeatures.from_bytes(files.path("abc").read_bytes())
