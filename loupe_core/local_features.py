"""Local features of an image (ORB keypoints and binary descriptors), as the duplicate check compares them.

Computed once per content at indexing time, from a bounded copy of the upright image
(`FEATURE_PX` on the longest side, whatever the original's size), and kept as a few kilobytes,
so finding duplicates never decodes an original again.

ORB rather than SIFT: its 32-byte binary descriptors are a quarter of SIFT's 128 floats stored
as bytes, Hamming distances are a popcount, and its oriented keypoints survive rotations of any
angle. No local descriptor survives a mirror, so the mirrored image's features are kept too
(fewer of them: they only need to find and confirm a mirrored copy, which keeps its texture).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

FEATURE_PX = 640
"""Longest side the features are computed at, smaller images scaled up to it too: cost and size stay
bounded for any image, and every copy of a picture is seen at one scale, so only a crop's own
enlargement (2.5x for 30 % off each edge) is left for ORB's pyramid to bridge."""
KEYPOINTS = 1000
"""500 (ORB's default) confirmed 9 of 21 crops of 30 % per edge, 1000 confirmed 19: a tight crop
keeps a fifth of the picture, so it needs the original densely described."""
MIRRORED_KEYPOINTS = 300
PYRAMID_LEVELS = 12
"""ORB's 8 levels at 1.2x span 3.6x; 12 span 7.4x, room for a crop's enlargement plus a resize."""
DESCRIPTOR_BYTES = 32
_MAGIC = b"LOUPEORB1"
_HEADER = struct.Struct("<9sHHHH")
"""magic, width, height (of the feature image), keypoints, mirrored keypoints."""


@dataclass(frozen=True)
class KeypointSet:
    """Keypoint positions (n x 2, pixels of the feature image, uint16) and their descriptors (n x 32 bytes).

    Strongest first (by ORB's Harris response), so a prefix is the best subset to index.
    """

    points: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class LocalFeatures:
    """The features of one image; `mirrored` are taken from its left-right mirror, positions in the mirror."""

    width: int
    height: int
    plain: KeypointSet
    mirrored: KeypointSet

    def to_bytes(self) -> bytes:
        """36 bytes per keypoint plus a 17-byte header: (1000 + 300) x 36 = 46.8 kB at most."""
        header = _HEADER.pack(_MAGIC, self.width, self.height, len(self.plain), len(self.mirrored))
        parts = [header]
        for kept in (self.plain, self.mirrored):
            parts += [kept.points.astype("<u2").tobytes(), kept.descriptors.astype(np.uint8).tobytes()]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> LocalFeatures:
        """Raises ValueError for anything that is not a complete features file of this format."""
        if len(data) < _HEADER.size:
            raise ValueError("features file too short")
        magic, width, height, plain, mirrored = _HEADER.unpack_from(data)
        if magic != _MAGIC or len(data) != _HEADER.size + (plain + mirrored) * (4 + DESCRIPTOR_BYTES):
            raise ValueError("not a features file of this version, or truncated")
        offset = _HEADER.size
        sets = []
        for count in (plain, mirrored):
            points = np.frombuffer(data, "<u2", count * 2, offset).reshape(count, 2)
            offset += count * 4
            descriptors = np.frombuffer(data, np.uint8, count * DESCRIPTOR_BYTES, offset).reshape(count, -1)
            offset += count * DESCRIPTOR_BYTES
            sets.append(KeypointSet(points, descriptors))
        return cls(width, height, sets[0], sets[1])


def _keypoints(grey: np.ndarray, limit: int) -> KeypointSet:
    orb = cv2.ORB_create(nfeatures=limit, nlevels=PYRAMID_LEVELS, fastThreshold=10)
    found, descriptors = orb.detectAndCompute(grey, None)
    if descriptors is None or not found:
        return KeypointSet(np.zeros((0, 2), np.uint16), np.zeros((0, DESCRIPTOR_BYTES), np.uint8))
    strongest = np.argsort([-k.response for k in found], kind="stable")
    points = np.array([found[i].pt for i in strongest], dtype=np.float32).reshape(-1, 2)
    return KeypointSet(np.clip(np.rint(points), 0, 65535).astype(np.uint16), descriptors[strongest])


def extract_local_features(image: Image.Image) -> LocalFeatures:
    """ORB features of `image` (any mode, any size) at `FEATURE_PX`; a flat image gives empty sets, not an error."""
    grey = image.convert("L")
    scale = FEATURE_PX / max(grey.size)
    if scale != 1:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    pixels = np.asarray(grey)
    return LocalFeatures(
        grey.width,
        grey.height,
        _keypoints(pixels, KEYPOINTS),
        _keypoints(np.ascontiguousarray(pixels[:, ::-1]), MIRRORED_KEYPOINTS),
    )
