"""Query encoding: both towers' vectors (the text one computed on a helper thread), and what is missing said."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from loupe_core.encoders.registry import Encoders
from loupe_core.mapping import load_index_definition
from loupe_core.query import VectorField
from loupe_core.search_service import SearchService
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore


def service(tmp_path: Path, encoders: Encoders) -> tuple[SearchService, EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "db.sqlite3", load_index_definition(REPO_ROOT / "mappings", "assets"))
    return SearchService(store, encoders, max_image_pixels=10_000_000), store


def test_text_vectors_are_each_towers_own_embedding_in_a_fixed_order(tmp_path: Path, encoders: Encoders) -> None:
    search, store = service(tmp_path, encoders)
    try:
        vectors, notes = search.text_vectors("storm clouds over a road")
        clip, text = encoders.clip(), encoders.text()
        assert clip is not None and text is not None and notes == []
        assert list(vectors) == [VectorField.image, VectorField.text]  # fusion sees the lists in one order
        assert np.allclose(vectors[VectorField.image], clip.encode_texts(["storm clouds over a road"])[0], atol=1e-6)
        assert np.allclose(vectors[VectorField.text], text.encode_texts(["storm clouds over a road"])[0], atol=1e-6)
        assert search.text_vectors("storm clouds over a road")[0] == vectors  # cached
    finally:
        store.close()


def test_a_missing_text_model_is_said_and_clip_still_answers(tmp_path: Path, tiny_clip_dir: Path) -> None:
    search, store = service(tmp_path, Encoders(f"local-dir:{tiny_clip_dir}", "", "cpu"))
    try:
        vectors, notes = search.text_vectors("harbour")
        assert list(vectors) == [VectorField.image]
        assert notes and notes[0].startswith("text-embedding search unavailable")
    finally:
        store.close()
