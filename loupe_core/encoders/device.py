"""Picks the torch device from settings: CUDA when present (and asked for or auto), else CPU."""

from __future__ import annotations

from typing import Literal

import torch


def resolve_device(preference: Literal["auto", "cpu", "cuda"]) -> str:
    if preference == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if preference == "cuda":
        raise RuntimeError("LOUPE_DEVICE=cuda but no CUDA device is available")
    return "cpu"
