"""open_clip image and text towers, loaded from an `ARCH:TAG` pair or a `local-dir:` folder.

Preprocessing (size, mean, std) comes from the model's own config via open_clip's transforms.
A local folder must contain `open_clip_config.json` and a weights file: open_clip would
otherwise build a randomly initialised model with only a warning, which must never pass as real.
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image

from loupe_core.encoders.precision import Precision, quantize_int8
from loupe_core.errors import EncoderUnavailable

LOCAL_DIR = "local-dir:"
WEIGHT_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin", "open_clip_model.bin")

Embeddings = npt.NDArray[np.float32]


def cached_pretrained_weights(arch: str, tag: str) -> tuple[str, dict[str, Any]]:
    """The local path of `arch:tag` weights from the Hugging Face cache, without any network call.

    open_clip would try the hub first and, offline, spend about a minute in retries before failing.
    """
    import open_clip
    from huggingface_hub import try_to_load_from_cache

    cfg = open_clip.get_pretrained_cfg(arch, tag)
    if not cfg:
        raise EncoderUnavailable(f"open_clip knows no pretrained tag {tag!r} for {arch!r}")
    if cfg.get("file"):
        return str(cfg["file"]), cfg
    # open_clip's convention: "org/model/filename" or "org/model/" for its default file names.
    repo, filename = posixpath.split(str(cfg.get("hf_hub", "")))
    names = [filename] if filename else ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"]
    for name in names:
        found = try_to_load_from_cache(repo_id=repo, filename=name)
        if isinstance(found, str):
            return found, cfg
    raise EncoderUnavailable(
        f"weights for {arch}:{tag} are not in the local model cache and downloads are disabled; "
        "set LOUPE_ALLOW_MODEL_DOWNLOADS=true to fetch them, or LOUPE_CLIP_MODEL=local-dir:/path"
    )


def parse_clip_spec(spec: str) -> tuple[str, str | None]:
    """`ViT-B-32:laion2b_s34b_b79k` -> (arch, tag); `local-dir:/p` -> (`local-dir:/p`, None)."""
    if spec.startswith(LOCAL_DIR):
        folder = Path(spec[len(LOCAL_DIR) :]).expanduser()
        if not (folder / "open_clip_config.json").is_file():
            raise EncoderUnavailable(f"{folder} has no open_clip_config.json")
        if not any((folder / name).is_file() for name in WEIGHT_FILES):
            raise EncoderUnavailable(f"{folder} has no weights file (one of {', '.join(WEIGHT_FILES)})")
        return f"{LOCAL_DIR}{folder.resolve()}", None
    arch, _, tag = spec.partition(":")
    if not arch:
        raise EncoderUnavailable(f"invalid CLIP model spec {spec!r}; expected ARCH:TAG or local-dir:/path")
    return arch, tag or None


class ClipEncoder:
    """Encodes images and short texts into one shared, L2-normalised space."""

    def __init__(self, spec: str, device: str, allow_downloads: bool = False, precision: Precision = "fp32") -> None:
        self.spec = spec
        self.device = device
        self.allow_downloads = allow_downloads
        # Quantised kernels exist for CPU only; on CUDA fp32 is kept.
        self.precision: Precision = precision if device == "cpu" else "fp32"
        self._lock = threading.Lock()
        self._model: Any = None
        self._preprocess: Callable[[Image.Image], torch.Tensor] | None = None
        self._tokenizer: Any = None

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import open_clip

            model_name, pretrained = parse_clip_spec(self.spec)
            options: dict[str, Any] = {}
            if pretrained and not self.allow_downloads:
                pretrained, cfg = cached_pretrained_weights(model_name, pretrained)
                options = {k: cfg[v] for k, v in (("image_mean", "mean"), ("image_std", "std")) if cfg.get(v)}
            try:
                model, _, preprocess = open_clip.create_model_and_transforms(
                    model_name, pretrained=pretrained, device=self.device, **options
                )
                tokenizer = open_clip.get_tokenizer(model_name)
            except Exception as exc:  # open_clip raises RuntimeError/OSError/ValueError for missing weights
                raise EncoderUnavailable(f"cannot load CLIP model {self.spec!r}: {exc}") from exc
            model.eval()
            if self.precision == "int8":
                model = quantize_int8(model)
            self._model, self._preprocess, self._tokenizer = model, preprocess, tokenizer

    @property
    def input_size(self) -> int:
        """The short side the model's own preprocessing scales images to (224 for ViT-B-32).

        The indexer pre-scales images to it in its worker processes, so only small images
        cross processes and the preprocessing here finds nothing left to resize.
        """
        self.load()
        size = self._model.visual.preprocess_cfg["size"]
        return int(size) if isinstance(size, int) else int(min(size))

    @property
    def dimension(self) -> int:
        return int(self.encode_texts(["dimension probe"]).shape[1])

    @torch.inference_mode()
    def encode_images(self, images: Sequence[Image.Image]) -> Embeddings:
        self.load()
        assert self._preprocess is not None  # noqa: S101 — narrows the type: load() has just set it
        batch = torch.stack([self._preprocess(image.convert("RGB")) for image in images]).to(self.device)
        features = self._model.encode_image(batch)
        return _normalized(features)

    @torch.inference_mode()
    def encode_texts(self, texts: Sequence[str]) -> Embeddings:
        self.load()
        tokens = self._tokenizer(list(texts)).to(self.device)
        return _normalized(encode_text_trimmed(self._model, tokens))


def _pooled_positions(model: Any, tokens: torch.Tensor) -> torch.Tensor | None:
    """Where open_clip's `text_global_pool` reads each text's embedding, or None if it reads
    a position that depends on the context length (`last`) or every position (`none`)."""
    if model.text_pool_type == "argmax":
        return tokens.argmax(dim=-1)
    if model.text_pool_type == "eos" and model.text_eos_id is not None:
        return (tokens == model.text_eos_id).int().argmax(dim=-1)
    return None


def encode_text_trimmed(model: Any, tokens: torch.Tensor) -> torch.Tensor:
    """`model.encode_text(tokens)` with the context cut to the longest text in the batch.

    A query is ~5 tokens padded to 77, and the text tower's cost grows with the context. Its
    attention mask is causal, so position i only sees positions <= i: the pooled position
    (end-of-text) and everything before it come out the same whatever follows, and the
    padding can be dropped. This repeats open_clip's `CLIP.encode_text` (open_clip 2.x-3.x)
    on the first L positions, slicing the token ids, the positional embedding and the mask
    alike; any other model class, pooling or a non-causal tower takes the library's own path.
    tests/core/test_clip_text_trim.py checks the two paths agree.
    """
    from open_clip.model import CLIP

    positions = _pooled_positions(model, tokens) if type(model) is CLIP and model.attn_mask is not None else None
    if positions is None:
        return model.encode_text(tokens)
    length = int(positions.max()) + 1
    cast_dtype = model.transformer.get_cast_dtype()
    x = model.token_embedding(tokens[:, :length]).to(cast_dtype)
    x = x + model.positional_embedding[:length].to(cast_dtype)
    x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
    x = model.ln_final(x)
    x = x[torch.arange(x.shape[0], device=x.device), positions]
    if model.text_projection is None:
        return x
    if isinstance(model.text_projection, torch.nn.Linear):
        return model.text_projection(x)
    return x @ model.text_projection


def _normalized(features: torch.Tensor) -> Embeddings:
    features = torch.nn.functional.normalize(features.float(), dim=-1)
    return features.cpu().numpy().astype(np.float32)
