"""Cutting CLIP's text context to the real token count changes no embedding (causal mask)."""

from __future__ import annotations

import torch

from loupe_core.encoders.clip import encode_text_trimmed
from loupe_core.encoders.registry import Encoders


def test_trimmed_context_gives_the_full_context_embedding(encoders: Encoders) -> None:
    clip = encoders.clip()
    assert clip is not None
    clip.load()
    model, tokenizer = clip._model, clip._tokenizer
    texts = ["a cat", "a red double-decker bus crossing a bridge at night in the rain", "x", ""]
    tokens = tokenizer(texts)
    with torch.inference_mode():
        full = model.encode_text(tokens)
        trimmed = encode_text_trimmed(model, tokens)
        alone = torch.cat([encode_text_trimmed(model, tokenizer([t])) for t in texts])
    assert trimmed.shape == full.shape == (4, 512)
    assert torch.allclose(trimmed, full, atol=1e-5)
    assert torch.allclose(alone, full, atol=1e-5)  # a batch of one trims to its own length


def test_encode_texts_uses_the_trimmed_path(encoders: Encoders) -> None:
    clip = encoders.clip()
    assert clip is not None
    vectors = clip.encode_texts(["golden retriever"])
    with torch.inference_mode():
        reference = torch.nn.functional.normalize(
            clip._model.encode_text(clip._tokenizer(["golden retriever"])), dim=-1
        )
    assert torch.allclose(torch.from_numpy(vectors), reference, atol=1e-5)
