"""Text in images: words only in the pixels are indexed, found, highlighted and filtered on both backends.

The photos are scikit-image's real ones; the text is drawn on them (`indexer.rendered_text`)
and read back by the real engine. The metadata never contains the drawn words, so a hit for
one of them can only come from `ocr_text`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from indexer.pipeline import run_index
from indexer.rendered_text import Lettering, letter
from indexer.report import Reason
from loupe_core.encoders.registry import Encoders
from loupe_core.query import Filters, Query, SearchMode
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from tests.backends import BACKENDS, backend_settings, close_backend
from tests.indexer.conftest import TEXT_MODEL
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)

SIGN = "Lighthouse Bakery"


def write_library(folder: Path) -> Path:
    """A sign on the coffee photo, a poster caption on the rocket photo, and a textured photo with no text."""
    folder.mkdir(parents=True, exist_ok=True)
    coffee = Image.fromarray(data.coffee())
    letter(coffee, Lettering(SIGN, 34, "plate", angle=3, centre=(0.5, 0.2))).save(folder / "sign.jpg", quality=92)
    rocket = Image.fromarray(data.rocket())
    caption = Lettering("Launch Night", 40, "outline", angle=-2, centre=(0.5, 0.85))
    letter(rocket, caption).save(folder / "poster.jpg", quality=92)
    Image.fromarray(data.gravel()).convert("RGB").save(folder / "gravel.jpg", quality=92)
    return folder


def settings_for(
    backend: str, tmp: Path, request: pytest.FixtureRequest, tiny_clip_dir: Path, **ocr: object
) -> Settings:
    base = backend_settings(backend, tmp / "data", request)
    return base.model_copy(
        update={"clip_model": f"local-dir:{tiny_clip_dir}", "text_model": TEXT_MODEL, "device": "cpu", **ocr}
    )


@pytest.fixture
def indexed(
    request: pytest.FixtureRequest, tmp_path: Path, tiny_clip_dir: Path, index_encoders: Encoders
) -> Iterator[AssetStore]:
    settings = settings_for(request.param, tmp_path, request, tiny_clip_dir)
    store = open_store(settings)
    library = write_library(tmp_path / "library")
    report = run_index(settings, library, None, quiet=True, store=store, encoders=index_encoders)
    assert (report.indexed, report.failed, report.notices) == (3, [], [])
    store.refresh()
    yield store
    close_backend(store)


def keyword(store: AssetStore, text: str, filters: Filters | None = None) -> dict[str, dict[str, list[str]]]:
    """Hit file name -> its highlights."""
    result = store.search(Query(text=text, mode=SearchMode.keyword, filters=filters or Filters(), facets=()))
    return {hit.asset.filename or "": hit.highlights for hit in result.hits}


@pytest.mark.parametrize("indexed", BACKENDS, indirect=True)
def test_a_word_only_in_the_pixels_finds_the_image_with_a_text_in_image_highlight(indexed: AssetStore) -> None:
    found = keyword(indexed, "bakery")
    assert list(found) == ["sign.jpg"]
    assert found["sign.jpg"] == {"ocr_text": ["Lighthouse <mark>Bakery</mark>"]}
    assert list(keyword(indexed, "launch")) == ["poster.jpg"]


@pytest.mark.parametrize("indexed", BACKENDS, indirect=True)
def test_has_text_keeps_the_images_with_words_read_and_its_opposite_the_others(indexed: AssetStore) -> None:
    def names(has_text: bool | None) -> list[str]:
        query = Query(mode=SearchMode.keyword, filters=Filters(has_text=has_text), facets=())
        return sorted(hit.asset.filename or "" for hit in indexed.search(query).hits)

    assert names(True) == ["poster.jpg", "sign.jpg"]
    assert names(False) == ["gravel.jpg"]
    assert names(None) == ["gravel.jpg", "poster.jpg", "sign.jpg"]


@pytest.mark.parametrize("indexed", ["embedded"], indirect=True)
def test_what_is_read_is_the_drawn_text_and_a_textured_photo_reads_as_nothing(indexed: AssetStore) -> None:
    texts = {hit.asset.filename: hit.asset.ocr_text for hit in indexed.search(Query(mode=SearchMode.keyword)).hits}
    assert texts == {"sign.jpg": SIGN, "poster.jpg": "Launch Night", "gravel.jpg": ""}


def test_a_spent_time_budget_indexes_the_image_without_text_and_reports_it(
    request: pytest.FixtureRequest, tmp_path: Path, tiny_clip_dir: Path, index_encoders: Encoders
) -> None:
    settings = settings_for("embedded", tmp_path, request, tiny_clip_dir, ocr_timeout_s=0.001)
    library = write_library(tmp_path / "library")
    store = open_store(settings)
    try:
        report = run_index(settings, library, None, quiet=True, store=store, encoders=index_encoders)
        assert (report.indexed, report.failed) == (3, [])
        assert sorted((Path(p.path).name, p.reason) for p in report.notices) == [
            (name, Reason.ocr_timeout) for name in ("gravel.jpg", "poster.jpg", "sign.jpg")
        ]
        assert "longer than 0.001 s (LOUPE_OCR_TIMEOUT_S)" in report.notices[0].detail
        assert keyword(store, "bakery") == {}
        assert list(keyword(store, "coffee sign")) == ["sign.jpg"]  # indexed all the same, by its file name
    finally:
        store.close()


def test_the_off_switch_reads_no_text(
    request: pytest.FixtureRequest, tmp_path: Path, tiny_clip_dir: Path, index_encoders: Encoders
) -> None:
    settings = settings_for("embedded", tmp_path, request, tiny_clip_dir, ocr=False)
    store = open_store(settings)
    try:
        report = run_index(
            settings, write_library(tmp_path / "library"), None, quiet=True, store=store, encoders=index_encoders
        )
        assert (report.indexed, report.notices) == (3, [])
        assert keyword(store, "bakery") == {}
        assert keyword(store, "", Filters(has_text=True)) == {}
    finally:
        store.close()


def test_without_the_engine_installed_images_are_indexed_without_text_and_it_is_said_once(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tiny_clip_dir: Path,
    index_encoders: Encoders,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # what a failed import looks like
    settings = settings_for("embedded", tmp_path, request, tiny_clip_dir)
    store = open_store(settings)
    try:
        report = run_index(
            settings, write_library(tmp_path / "library"), None, quiet=True, store=store, encoders=index_encoders
        )
        assert (report.indexed, report.failed, report.notices) == (3, [], [])
        assert [w for w in report.warnings if "OCR" in w] == [
            "text in images is not read in this run: the OCR engine is not installed (rapidocr_onnxruntime)"
        ]
    finally:
        store.close()
