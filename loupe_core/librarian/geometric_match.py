"""Geometric verification of a candidate pair: do the two images show the same scene, and how?

Descriptor matches alone are weak evidence (texture repeats, and unrelated photos share a few
lookalike corners). A pair is confirmed only when many matches agree on one homography (a
plane seen from another place: a crop, a rotation, a resize, a perspective change, roughly a
second take of a distant scene) AND those agreeing points spread over a good part of the
smaller image: a caption or a logo stamped on two different photos matches well but only
over a thin strip, which the spread test refuses (on the bench corpus, shared captions and
watermarks spread at most 0.09 of the short side; real matches with 15 or more inliers, more).

The homography then says what happened (how much of each image the other shows, rotation,
mirror), which is what a librarian reads in the queue instead of a bare score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from loupe_core.local_features import KeypointSet, LocalFeatures

RATIO = 0.8
"""Lowe's ratio test: the best match must be clearly better than the second best."""
MAX_HAMMING = 64
"""Of 256 bits; beyond this a 'best' match is noise whatever the ratio."""
REPROJECTION_PX = 6.0
"""RANSAC inlier distance in feature-image pixels (640 px side): tolerant of the parallax of a
second take, still 1 % of the image."""
SAME_PICTURE = 0.9
"""Both images showing at least this share of each other: the same picture (resized, rotated...)."""


@dataclass(frozen=True)
class GeometricThresholds:
    min_inliers: int = 20
    min_coverage: float = 0.05
    """Share of the smaller image the agreeing points must span (their convex hull)."""
    min_thickness: float = 0.15
    """...and how far across their narrow way, of the image's short side: refuses a shared caption line."""


@dataclass(frozen=True)
class GeometricMatch:
    inliers: int
    overlap: float
    """Share of the smaller image that the other one shows too (by the homography)."""
    other_overlap: float
    """Share of the larger image that the smaller one shows."""
    coverage: float
    """Share of the smaller image spanned by the agreeing points."""
    thickness: float
    """Their spread across the narrow way (see `_thickness`)."""
    rotation: float
    """Degrees, in (-180, 180]."""
    mirrored: bool

    def explanation(self) -> str:
        """What a librarian reads: `same scene, 61 % overlap, rotated 4°, 87 matching points`."""
        if self.overlap >= SAME_PICTURE and self.other_overlap >= SAME_PICTURE:
            parts = ["same picture"]
        elif self.overlap >= SAME_PICTURE:
            parts = [f"crop showing {_percent(self.other_overlap)} of the other"]
        else:
            parts = [f"same scene, {_percent(self.overlap)} overlap"]
        if self.mirrored:
            parts.append("mirrored")
        if abs(self.rotation) >= 2:
            parts.append(f"rotated {abs(round(self.rotation))}°")
        parts.append(f"{self.inliers} matching points")
        return ", ".join(parts)


def _percent(share: float) -> str:
    return f"{max(1, round(100 * share))} %"


def _matches(a: KeypointSet, b: KeypointSet) -> tuple[np.ndarray, np.ndarray]:
    """Matched positions (a's, b's) that pass the ratio test, each point of b used once."""
    if len(a) < 2 or len(b) < 2:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    knn = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a.descriptors, b.descriptors, k=2)
    best: dict[int, tuple[float, int]] = {}
    for pair in knn:
        if len(pair) == 2 and pair[0].distance <= MAX_HAMMING and pair[0].distance < RATIO * pair[1].distance:
            m = pair[0]
            if m.trainIdx not in best or m.distance < best[m.trainIdx][0]:
                best[m.trainIdx] = (m.distance, m.queryIdx)
    train = np.array(list(best), dtype=np.intp)
    query = np.array([q for _, q in best.values()], dtype=np.intp)
    return a.points[query].astype(np.float32), b.points[train].astype(np.float32)


def _frame(width: int, height: int) -> np.ndarray:
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)


def _shown_share(homography: np.ndarray, source: tuple[int, int], target: tuple[int, int]) -> float:
    """Share of the target image covered by the source image's frame mapped through `homography`."""
    mapped = cv2.perspectiveTransform(_frame(*source).reshape(-1, 1, 2), homography).reshape(-1, 2)
    if not cv2.isContourConvex(mapped.astype(np.float32)):
        return 0.0
    area, _ = cv2.intersectConvexConvex(mapped.astype(np.float32), _frame(*target))
    return float(area) / (target[0] * target[1])


def _hull_share(points: np.ndarray, width: int, height: int) -> float:
    if len(points) < 3:
        return 0.0
    return float(cv2.contourArea(cv2.convexHull(points.astype(np.float32)))) / (width * height)


def _thickness(points: np.ndarray, width: int, height: int) -> float:
    """How far the points spread across their narrow way (the 10th to 90th percentile along the
    minor principal axis), as a share of the image's short side.

    A line of text is a thin strip however wide it runs, and a few chance inliers scattered
    around it must not widen it: percentiles ignore them where a hull or a rectangle would not.
    """
    if len(points) < 3:
        return 0.0
    centred = points.astype(np.float64) - points.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    across = centred @ vectors[:, 0]  # eigh sorts ascending: the first axis is the narrow one
    low, high = np.percentile(across, [10, 90])
    return float(high - low) / min(width, height)


def _rotation(homography: np.ndarray) -> float:
    """The rotation of the closest similarity transform to the homography's linear part."""
    linear = homography[:2, :2] / homography[2, 2]
    return math.degrees(math.atan2(linear[1, 0] - linear[0, 1], linear[0, 0] + linear[1, 1]))


def verify(
    a: LocalFeatures, b: LocalFeatures, mirrored: bool, thresholds: GeometricThresholds
) -> GeometricMatch | None:
    """The match between `a` and `b` (b's mirror image when `mirrored`), or None when they do not match."""
    points_a, points_b = _matches(a.plain, b.mirrored if mirrored else b.plain)
    if len(points_a) < thresholds.min_inliers:
        return None
    homography, mask = cv2.findHomography(points_a, points_b, cv2.USAC_MAGSAC, REPROJECTION_PX)
    if homography is None or abs(homography[2, 2]) < 1e-9:
        return None
    inlier = mask.ravel().astype(bool)
    inliers = int(inlier.sum())
    size_a, size_b = (a.width, a.height), (b.width, b.height)
    scale = math.sqrt(abs(np.linalg.det(homography[:2, :2] / homography[2, 2])))
    if inliers < thresholds.min_inliers or not 1 / 16 <= scale <= 16:
        return None
    a_in_b = _shown_share(homography, size_a, size_b)
    b_in_a = _shown_share(np.linalg.inv(homography), size_b, size_a)
    if a_in_b >= b_in_a:  # a is the larger image (its frame covers more of b than b's covers of it)
        overlap, other_overlap, smaller, size = a_in_b, b_in_a, points_b[inlier], size_b
    else:
        overlap, other_overlap, smaller, size = b_in_a, a_in_b, points_a[inlier], size_a
    coverage, thickness = _hull_share(smaller, *size), _thickness(smaller, *size)
    if coverage < thresholds.min_coverage or thickness < thresholds.min_thickness:
        return None
    return GeometricMatch(
        inliers=inliers,
        overlap=round(min(overlap, 1.0), 3),
        other_overlap=round(min(other_overlap, 1.0), 3),
        coverage=round(coverage, 3),
        thickness=round(thickness, 3),
        rotation=round(_rotation(homography), 1),
        mirrored=mirrored,
    )
