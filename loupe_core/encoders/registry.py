"""One place that builds, caches and health-checks the configured encoders.

Loading is attempted once; a model that cannot load is remembered with its reason so that
search and indexing degrade (keyword + text vectors) with a clear note instead of crashing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import torch

from loupe_core.encoders.clip import ClipEncoder
from loupe_core.encoders.device import resolve_device
from loupe_core.encoders.precision import Precision
from loupe_core.encoders.text import SentenceEncoder
from loupe_core.errors import EncoderUnavailable
from loupe_core.settings import Settings

E = TypeVar("E", ClipEncoder, SentenceEncoder)
logger = logging.getLogger(__name__)


class Encoders:
    """The encoders one process uses; `clip()`/`text()` give None when disabled or unloadable."""

    def __init__(
        self,
        clip_spec: str,
        text_spec: str,
        device: str,
        allow_downloads: bool = False,
        precision: Precision = "fp32",
        threads: int = 0,
    ) -> None:
        self.allow_downloads = allow_downloads
        self.precision = precision
        self.threads = threads
        self.clip_spec = clip_spec
        self.text_spec = text_spec
        self.device = device
        self.problems: dict[str, str] = {}
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Encoders:
        return cls(
            settings.clip_model,
            settings.text_model,
            resolve_device(settings.device),
            settings.allow_model_downloads,
            settings.encoder_precision,
            settings.encoder_threads,
        )

    def _load(self, kind: str, spec: str, factory: Callable[[str, str], E], env: str) -> E | None:
        with self._lock:
            if kind not in self._loaded:
                encoder: E | None = None
                if not spec:
                    self.problems[kind] = f"{kind} embeddings disabled ({env} is empty)"
                else:
                    if self.threads:
                        # Process-wide by nature (torch has no per-call setting); see Settings.encoder_threads.
                        torch.set_num_threads(self.threads)
                    candidate = factory(spec, self.device)
                    try:
                        candidate.load()
                        encoder = candidate
                    except EncoderUnavailable as exc:
                        self.problems[kind] = str(exc)
                        logger.warning("%s model unavailable: %s", kind, exc)
                self._loaded[kind] = encoder
            loaded: E | None = self._loaded[kind]
            return loaded

    def clip(self) -> ClipEncoder | None:
        return self._load(
            "clip",
            self.clip_spec,
            lambda spec, device: ClipEncoder(spec, device, self.allow_downloads, self.precision),
            "LOUPE_CLIP_MODEL",
        )

    def text(self) -> SentenceEncoder | None:
        return self._load("text", self.text_spec, SentenceEncoder, "LOUPE_TEXT_MODEL")
