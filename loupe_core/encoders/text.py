"""sentence-transformers encoder for asset metadata and query text (all-MiniLM-L6-v2 by default).

`package:NAME` loads weights that a Python package ships (offline, no hub); anything else is
a local directory. Hub names are refused on purpose: production must not download at run time.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from loupe_core.encoders.clip import Embeddings
from loupe_core.errors import EncoderUnavailable

PACKAGE = "package:"


def resolve_text_model_dir(spec: str) -> Path:
    if spec.startswith(PACKAGE):
        module_name = spec[len(PACKAGE) :]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise EncoderUnavailable(f"text model package {module_name!r} is not installed") from exc
        folder = Path(module.get_model_path()) if hasattr(module, "get_model_path") else Path(module.__file__).parent
    else:
        folder = Path(spec).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise EncoderUnavailable(f"{folder} does not hold a sentence-transformers model")
    return folder.resolve()


class SentenceEncoder:
    def __init__(self, spec: str, device: str) -> None:
        self.spec = spec
        self.device = device
        self._lock = threading.Lock()
        self._model: Any = None

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            folder = resolve_text_model_dir(self.spec)
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(str(folder), device=self.device, local_files_only=True)
            except Exception as exc:  # a broken folder surfaces as many exception types
                raise EncoderUnavailable(f"cannot load text model from {folder}: {exc}") from exc

    @property
    def dimension(self) -> int:
        self.load()
        return int(self._model.get_sentence_embedding_dimension())

    def encode_texts(self, texts: Sequence[str]) -> Embeddings:
        self.load()
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)
