"""The demo library: real photos, realistic metadata, and the searches a demo leads with."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import imagehash
import pytest

from indexer.demo_library import DEMO_ASSETS, MANIFEST_COLUMNS, MANIFEST_NAME, build_demo_library
from indexer.pipeline import run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.query import Query, SearchMode, VectorField
from loupe_core.relevance.floors import RelevanceFloors
from loupe_core.schema import LicenseState
from loupe_core.search_service import SearchService
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from tests.indexer.conftest import TEXT_MODEL

TODAY = date(2025, 1, 15)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory, tiny_clip_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("demo-data"),
        clip_model=f"local-dir:{tiny_clip_dir}",
        text_model=TEXT_MODEL,
        device="cpu",
    )


@pytest.fixture(scope="module")
def demo_store(demo_settings: Settings) -> Iterator[AssetStore]:
    opened = open_store(demo_settings)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def demo(demo_settings: Settings, demo_store: AssetStore, index_encoders: Encoders) -> Path:
    """Built inside the data folder, as `loupe demo` does, and indexed once: the tests below only read it."""
    library = build_demo_library(demo_settings.data_dir / "demo-library")
    report = run_index(
        demo_settings, library, library / MANIFEST_NAME, quiet=True, store=demo_store, encoders=index_encoders
    )
    assert (report.indexed, report.failed, report.skipped) == (len(DEMO_ASSETS), [], [])
    return library


def test_manifest_lists_every_file_once(tmp_path: Path) -> None:
    library = build_demo_library(tmp_path / "demo")

    assert library == tmp_path / "demo"
    with (library / MANIFEST_NAME).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == MANIFEST_COLUMNS
    assert len({row["id"] for row in rows}) == len({row["file"] for row in rows}) == len(DEMO_ASSETS) == 23
    assert all((library / row["file"]).is_file() for row in rows)
    suffixes = {Path(row["file"]).suffix for row in rows}
    assert suffixes == {".jpg", ".png", ".tif", ".webp", ".gif"}


@pytest.mark.parametrize("mode", [SearchMode.keyword, SearchMode.hybrid])
def test_chelsea_is_the_top_hit_for_cat(
    demo: Path, demo_store: AssetStore, index_encoders: Encoders, demo_settings: Settings, mode: SearchMode
) -> None:
    service = SearchService(demo_store, index_encoders, demo_settings.max_image_pixels)

    result = service.search(Query(text="cat", mode=mode))

    assert result.hits[0].asset.id == "demo-chelsea"


def test_the_metadata_embedding_alone_finds_chelsea(
    demo: Path, demo_store: AssetStore, index_encoders: Encoders
) -> None:
    """The test CLIP has random weights, so semantic search is checked on the real text vectors only."""
    text = index_encoders.text()
    assert text is not None
    vector = [float(x) for x in text.encode_texts(["a photo of a kitty"])[0]]

    result = demo_store.search(Query(mode=SearchMode.semantic, vectors={VectorField.text: vector}))

    assert result.hits[0].asset.id == "demo-chelsea"


def test_library_holds_the_edge_cases_a_demo_needs(demo: Path, demo_store: AssetStore) -> None:
    untagged = demo_store.get("demo-img-0412")
    assert (untagged.title, untagged.tags, untagged.taxonomy, untagged.description) == ("IMG_0412", [], [], "")
    assert untagged.created_at == datetime(2024, 5, 18, 9, 41, 7, tzinfo=UTC)  # from the camera's EXIF

    assert demo_store.get("demo-coins").license_state(TODAY) is LicenseState.expired
    assert demo_store.get("demo-logo").file_type == "png"

    original, duplicate = demo_store.get("demo-chelsea"), demo_store.get("demo-newsletter-header")
    assert original.sha256 != duplicate.sha256
    assert (duplicate.width, duplicate.height) == (271, 180)
    distance = imagehash.hex_to_hash(original.phash or "") - imagehash.hex_to_hash(duplicate.phash or "")
    assert distance <= 4
    assert "cat" not in duplicate.tags


def test_rebuilding_and_reindexing_changes_nothing(
    demo: Path, demo_settings: Settings, demo_store: AssetStore, index_encoders: Encoders
) -> None:
    library = build_demo_library(demo)

    report = run_index(
        demo_settings, library, library / MANIFEST_NAME, quiet=True, store=demo_store, encoders=index_encoders
    )

    assert (report.indexed, report.unchanged) == (0, len(DEMO_ASSETS))


def test_calibrated_floors_keep_the_cat_and_drop_nonsense(
    demo: Path, demo_store: AssetStore, index_encoders: Encoders, demo_settings: Settings, tmp_path: Path
) -> None:
    """The issue's first measurement: `cat` returned all 18 visible assets, `qwxzv` too."""
    floors = RelevanceFloors(tmp_path / "floors.json", demo_store, index_encoders)
    service = SearchService(demo_store, index_encoders, demo_settings.max_image_pixels, floors=floors)

    cat = service.search(Query(text="cat", mode=SearchMode.hybrid))
    assert cat.hits[0].asset.id == "demo-chelsea" and cat.total <= 3
    for mode in SearchMode:
        assert service.search(Query(text="qwxzv", mode=mode)).total == 0, mode


@pytest.mark.parametrize(
    ("word", "asset_id", "marked"),
    [
        ("bakery", "demo-cafe-sign", "Lighthouse <mark>Bakery</mark>"),
        ("stargazing", "demo-event-poster", "<mark>STARGAZING</mark> NIGHT Friday 21 March"),
        ("trade", "demo-coin-label", "Hall of Ancient <mark>Trade</mark>"),
    ],
)
def test_a_word_written_only_in_a_demo_image_finds_it(
    demo: Path, demo_store: AssetStore, word: str, asset_id: str, marked: str
) -> None:
    result = demo_store.search(Query(text=word, mode=SearchMode.keyword))

    assert [(hit.asset.id, hit.highlights) for hit in result.hits] == [(asset_id, {"ocr_text": [marked]})]
    metadata = demo_store.get(asset_id).model_dump(include={"title", "description", "tags", "filename"})
    assert word not in str(metadata).lower()
