"""Cutting CLIP's text context to the real token count changes no embedding (causal mask)."""

from __future__ import annotations

from pathlib import Path

import open_clip
import torch

from loupe_core.encoders.clip import ClipEncoder, encode_text_trimmed

TEXTS = ["a cat", "a red double-decker bus crossing a bridge at night in the rain", "x", ""]


def test_trimmed_context_gives_the_full_context_embedding(tiny_clip_dir: Path) -> None:
    model = open_clip.create_model(f"local-dir:{tiny_clip_dir}").eval()
    tokenizer = open_clip.get_tokenizer(f"local-dir:{tiny_clip_dir}")
    tokens = tokenizer(TEXTS)
    with torch.inference_mode():
        full = model.encode_text(tokens)
        trimmed = encode_text_trimmed(model, tokens)
        one_by_one = torch.cat([encode_text_trimmed(model, tokenizer([t])) for t in TEXTS])
    assert trimmed.shape == full.shape == (4, 512)
    assert torch.allclose(trimmed, full, atol=1e-5)
    assert torch.allclose(one_by_one, full, atol=1e-5)  # a batch of one trims to its own length


def test_encoder_embeds_queries_as_the_untrimmed_model_does(tiny_clip_dir: Path) -> None:
    model = open_clip.create_model(f"local-dir:{tiny_clip_dir}").eval()
    tokenizer = open_clip.get_tokenizer(f"local-dir:{tiny_clip_dir}")
    with torch.inference_mode():
        reference = torch.nn.functional.normalize(model.encode_text(tokenizer(TEXTS)), dim=-1)
    vectors = ClipEncoder(f"local-dir:{tiny_clip_dir}", "cpu").encode_texts(TEXTS)
    assert torch.allclose(torch.from_numpy(vectors), reference, atol=1e-5)
