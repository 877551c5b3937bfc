"""int8 CLIP stays within cosine 0.99 of fp32, the rule for offering it at all (LOUPE_ENCODER_PRECISION)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from loupe_core.encoders.clip import ClipEncoder
from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings

MIN_COSINE = 0.99
TEXTS = ["a cat on a sofa", "rocket launch at dawn", "storm clouds over a desert road", "espresso"]


def images() -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)) for _ in range(4)]


def row_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_int8_clip_embeddings_stay_within_cosine_099_of_fp32(tiny_clip_dir: Path) -> None:
    fp32 = ClipEncoder(f"local-dir:{tiny_clip_dir}", "cpu")
    int8 = ClipEncoder(f"local-dir:{tiny_clip_dir}", "cpu", precision="int8")
    assert row_cosines(int8.encode_texts(TEXTS), fp32.encode_texts(TEXTS)).min() >= MIN_COSINE
    assert row_cosines(int8.encode_images(images()), fp32.encode_images(images())).min() >= MIN_COSINE


def test_precision_setting_reaches_the_clip_encoder(tiny_clip_dir: Path, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        clip_model=f"local-dir:{tiny_clip_dir}",
        text_model="",
        device="cpu",
        encoder_precision="int8",
    )
    clip = Encoders.from_settings(settings).clip()
    assert clip is not None and clip.precision == "int8"
    assert Settings(data_dir=tmp_path).encoder_precision == "fp32"
    assert ClipEncoder("ViT-B-32:tag", "cuda", precision="int8").precision == "fp32"  # no int8 kernels on CUDA


def test_thread_setting_reaches_the_registry(tmp_path: Path) -> None:
    assert Encoders.from_settings(Settings(data_dir=tmp_path, encoder_threads=1)).threads == 1
    assert Encoders.from_settings(Settings(data_dir=tmp_path)).threads == 0
