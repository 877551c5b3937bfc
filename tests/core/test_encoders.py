"""Encoders load through the production paths (local-dir, packaged weights) and fail clearly."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from loupe_core.encoders.clip import ClipEncoder, parse_clip_spec
from loupe_core.encoders.registry import Encoders
from loupe_core.encoders.text import resolve_text_model_dir
from loupe_core.errors import EncoderUnavailable


def test_local_dir_clip_encodes_images_and_texts_into_one_unit_space(encoders: Encoders) -> None:
    clip = encoders.clip()
    assert clip is not None
    images = clip.encode_images([Image.new("RGB", (64, 48), c) for c in ("red", "blue")])
    texts = clip.encode_texts(["a red square", "a blue square", "a cat"])
    assert images.shape == (2, 512) and texts.shape == (3, 512)
    assert np.allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(images[0], images[1])


def test_packaged_minilm_gives_real_semantic_embeddings(encoders: Encoders) -> None:
    text = encoders.text()
    assert text is not None
    vectors = text.encode_texts(["a kitten sleeping on a sofa", "a cat napping on a couch", "quarterly tax report"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_local_dir_without_weights_is_refused(tmp_path: Path, tiny_clip_dir: Path) -> None:
    (tmp_path / "open_clip_config.json").write_text((tiny_clip_dir / "open_clip_config.json").read_text())
    with pytest.raises(EncoderUnavailable, match="no weights file"):
        parse_clip_spec(f"local-dir:{tmp_path}")
    with pytest.raises(EncoderUnavailable, match=r"no open_clip_config\.json"):
        parse_clip_spec(f"local-dir:{tmp_path / 'missing'}")


def test_pretrained_tag_offline_fails_fast_with_advice() -> None:
    started = time.perf_counter()
    with pytest.raises(EncoderUnavailable, match="LOUPE_ALLOW_MODEL_DOWNLOADS"):
        ClipEncoder("ViT-B-32:laion2b_s34b_b79k", "cpu").load()
    assert time.perf_counter() - started < 30


def test_registry_records_why_a_model_is_missing(tmp_path: Path) -> None:
    registry = Encoders(f"local-dir:{tmp_path}", "", "cpu")
    assert registry.clip() is None and registry.text() is None
    assert "open_clip_config.json" in registry.problems["clip"]
    assert "LOUPE_TEXT_MODEL is empty" in registry.problems["text"]


def test_text_model_spec_must_be_a_package_or_folder(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match="not installed"):
        resolve_text_model_dir("package:no_such_model_package")
    with pytest.raises(EncoderUnavailable, match="does not hold"):
        resolve_text_model_dir(str(tmp_path))
