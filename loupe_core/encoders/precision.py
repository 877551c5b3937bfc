"""Optional int8 inference for the encoders on CPU (`LOUPE_ENCODER_PRECISION=int8`).

Dynamic quantisation stores Linear weights as int8 and quantises activations per batch, so it
needs no calibration data; most of a transformer's time is in its Linear layers. It is only
worth it where embeddings stay within cosine 0.99 of fp32 (tests/core/test_encoder_precision.py
checks that) and where it is faster (bench/encoders.py measures both on the target machine).
"""

from __future__ import annotations

import warnings
from typing import Literal

import torch

Precision = Literal["fp32", "int8"]


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """The model with its Linear layers dynamically quantised to int8 (CPU only).

    open_clip reads its compute dtype from the first block's `mlp.c_fc.weight.dtype`, which a
    quantised Linear no longer has; `int8_original_dtype` is the attribute open_clip itself
    consults first for int8 layers, so it is set to the dtype the model was built in.
    """
    original = next(model.parameters()).dtype
    with warnings.catch_warnings():
        # torch >= 2.10 points eager quantisation users to torchao; the API still works as documented.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    for module in quantized.modules():
        if hasattr(module, "mlp") and hasattr(module.mlp, "c_fc"):
            module.mlp.c_fc.int8_original_dtype = original
    return quantized
