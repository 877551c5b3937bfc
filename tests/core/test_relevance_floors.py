"""Relevance floors: derived from null queries, stored per model, overridden by settings,
recalibrated when the library changes size a lot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.mapping import load_index_definition
from loupe_core.query import VectorField
from loupe_core.relevance import floors as floors_module
from loupe_core.relevance.calibration import FLOOR_QUANTILE, null_floor, null_queries
from loupe_core.relevance.floors import RelevanceFloors
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore

TITLES = ["Tabby cat", "Espresso cup", "Rocket launch", "Harbour cranes", "Red apples", "Storm clouds"]


def add_assets(store: EmbeddedStore, encoders: Encoders, titles: list[str], start: int = 0) -> None:
    text = encoders.text()
    assert text is not None
    assets = [Asset(id=f"a{start + i}", title=t, filename=f"{i}.jpg") for i, t in enumerate(titles)]
    vectors = text.encode_texts([metadata_text(a) for a in assets])
    store.upsert([a.model_copy(update={"text_vector": v.tolist()}) for a, v in zip(assets, vectors, strict=True)])


@pytest.fixture
def store(tmp_path: Path, encoders: Encoders) -> EmbeddedStore:
    opened = EmbeddedStore(tmp_path / "s.sqlite3", load_index_definition(REPO_ROOT / "mappings", "assets"))
    add_assets(opened, encoders, TITLES)
    return opened


def test_null_queries_are_seeded_nonsense() -> None:
    queries = null_queries(50)
    assert queries == null_queries(50) and len(set(queries)) == 50
    assert all(word.isalpha() and word.islower() for q in queries for word in q.split())


def test_the_floor_is_the_quantile_of_null_cosines() -> None:
    rng = np.random.default_rng(1)
    nulls, library = rng.normal(size=(40, 16)), rng.normal(size=(30, 16))
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    expected = np.quantile(unit(nulls) @ unit(library).T, FLOOR_QUANTILE)
    assert null_floor(nulls, library) == pytest.approx(expected, abs=1e-6)


def test_calibration_is_stored_per_model_and_reused(tmp_path: Path, store: EmbeddedStore, encoders: Encoders) -> None:
    path = tmp_path / "floors.json"
    first = RelevanceFloors(path, store, encoders).floors([VectorField.text])
    stored = json.loads(path.read_text())["text_vector"]
    assert stored["model"] == encoders.text_spec and stored["library_size"] == len(TITLES)
    assert stored["null_queries"] == 128 and stored["quantile"] == FLOOR_QUANTILE
    assert first == {VectorField.text: stored["floor"]} and 0.1 < stored["floor"] < 0.5
    written = path.stat().st_mtime_ns
    assert RelevanceFloors(path, store, encoders).floors([VectorField.text]) == first
    assert path.stat().st_mtime_ns == written


def test_settings_override_the_calibration(tmp_path: Path, store: EmbeddedStore, encoders: Encoders) -> None:
    floors = RelevanceFloors(tmp_path / "f.json", store, encoders, {VectorField.text: 0.5})
    assert floors.floors([VectorField.text]) == {VectorField.text: 0.5}
    assert not (tmp_path / "f.json").exists()


def test_a_library_twice_as_large_is_calibrated_again(
    tmp_path: Path, store: EmbeddedStore, encoders: Encoders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(floors_module, "SIZE_CHECK_S", 0.0)
    floors = RelevanceFloors(tmp_path / "f.json", store, encoders)
    floors.floors([VectorField.text])
    add_assets(store, encoders, [f"Extra photo {i}" for i in range(len(TITLES) + 1)], start=100)
    floors.floors([VectorField.text])
    assert floors.calibrations()["text_vector"].library_size == 2 * len(TITLES) + 1
