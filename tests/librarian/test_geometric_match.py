"""The geometric verifier on real photos: what it confirms, what it refuses, and what it says."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps
from skimage import data

from loupe_core.librarian.geometric_match import GeometricThresholds, verify
from loupe_core.local_features import LocalFeatures, extract_local_features

THRESHOLDS = GeometricThresholds(min_inliers=15)
PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "camera", "coins"]


def features(image: Image.Image) -> LocalFeatures:
    return extract_local_features(image)


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.fromarray(data.astronaut())


def test_a_tight_crop_is_confirmed_and_described(astronaut: Image.Image) -> None:
    w, h = astronaut.size
    crop = astronaut.crop((w * 3 // 10, h * 3 // 10, w - w * 3 // 10, h - h * 3 // 10))  # 30 % off each edge

    match = verify(features(astronaut), features(crop), False, THRESHOLDS)

    assert match is not None and not match.mirrored
    assert match.overlap >= 0.95 and 0.12 <= match.other_overlap <= 0.2  # 40 % x 40 % = 16 % of the original
    assert match.explanation().startswith("crop showing 1")


@pytest.mark.parametrize("angle", [90, 7, -4])
def test_a_rotation_is_measured(astronaut: Image.Image, angle: int) -> None:
    turned = astronaut.rotate(angle, resample=Image.Resampling.BICUBIC, expand=angle == 90)

    match = verify(features(astronaut), features(turned), False, THRESHOLDS)

    assert match is not None and abs(abs(match.rotation) - abs(angle)) <= 1.5
    assert f"rotated {abs(angle)}°" in match.explanation()


def test_a_mirror_matches_only_through_the_mirrored_features(astronaut: Image.Image) -> None:
    mirrored = features(ImageOps.mirror(astronaut))
    original = features(astronaut)

    assert verify(original, mirrored, False, THRESHOLDS) is None
    match = verify(original, mirrored, True, THRESHOLDS)
    assert match is not None and match.explanation().startswith("same picture, mirrored, ")


def test_distinct_photos_never_match() -> None:
    described = {name: features(Image.fromarray(getattr(data, name)())) for name in PHOTOS}
    for (a, fa), (b, fb) in itertools.combinations(described.items(), 2):
        for mirrored in (False, True):
            assert verify(fa, fb, mirrored, THRESHOLDS) is None, (a, b, mirrored)


def test_the_same_caption_on_two_photos_is_refused_by_the_spread_test() -> None:
    """A caption banner matches perfectly, but its points span a thin strip of the image."""

    def captioned(name: str) -> Image.Image:
        image = Image.fromarray(getattr(data, name)()).convert("RGB").resize((600, 450))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 380, 600, 430), fill=(0, 0, 0))
        draw.text((20, 385), "© Loupe Photo Agency 2024", font=ImageFont.load_default(size=36), fill=(255, 255, 255))
        return image

    a, b = features(captioned("coffee")), features(captioned("rocket"))
    loose = GeometricThresholds(min_inliers=15, min_coverage=0.0, min_thickness=0.0)
    banner = verify(a, b, False, loose)

    assert banner is not None and banner.thickness < THRESHOLDS.min_thickness  # the text alone does match
    assert verify(a, b, False, THRESHOLDS) is None


def test_a_flat_image_has_no_features_and_matches_nothing(astronaut: Image.Image) -> None:
    flat = features(Image.new("RGB", (300, 200), (40, 90, 200)))

    assert (len(flat.plain), len(flat.mirrored)) == (0, 0)
    assert verify(flat, features(astronaut), False, THRESHOLDS) is None
    assert verify(features(astronaut), flat, True, THRESHOLDS) is None
