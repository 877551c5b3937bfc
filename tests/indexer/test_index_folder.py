"""Indexing a folder: every supported format, recursively, with the derived fields exactly right."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image

from indexer.pipeline import run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from tests.indexer.conftest import Indexer
from tests.indexer.photos import write_photo

MTIME = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)

FILES = {
    "a.jpg": ((64, 48), "jpeg", "landscape"),
    "sub/b.png": ((30, 60), "png", "portrait"),
    "sub/deeper/c.webp": ((40, 40), "webp", "square"),
    "d.gif": ((50, 20), "gif", "landscape"),
    "e.tiff": ((20, 50), "tiff", "portrait"),
}


@pytest.fixture
def mixed_folder(library: Path) -> Path:
    for seed, (relpath, (size, _, _)) in enumerate(FILES.items()):
        path = write_photo(library / relpath, size, seed=seed)
        os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return library


def test_every_format_is_indexed_recursively_with_exact_facts(
    mixed_folder: Path, index: Indexer, store: AssetStore, index_settings: Settings
) -> None:
    report = index(mixed_folder)

    assert (report.indexed, report.unchanged, report.failed, report.skipped) == (5, 0, [], [])
    assert store.count() == 5
    for relpath, ((width, height), file_type, orientation) in FILES.items():
        path = mixed_folder / relpath
        asset = store.get(relpath)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert asset.title == path.stem
        assert (asset.filename, asset.path) == (path.name, str(path))
        assert (asset.width, asset.height, asset.file_type, asset.orientation) == (
            width,
            height,
            file_type,
            orientation,
        )
        assert (asset.sha256, asset.bytes) == (sha, path.stat().st_size)
        assert asset.created_at == MTIME
        assert asset.indexed_at is not None and asset.indexed_at > MTIME
        assert len(asset.phash or "") == 16 and int(asset.phash or "", 16) >= 0
        assert len(asset.dhash or "") == 16 and int(asset.dhash or "", 16) >= 0
        assert asset.thumbnail == f"{sha}.webp"
        with Image.open(index_settings.thumbnails_dir / asset.thumbnail) as thumb:
            assert thumb.format == "WEBP"
            assert max(thumb.size) == min(max(width, height), index_settings.thumbnail_px)
        assert asset.image_vector is not None and len(asset.image_vector) == 512
        assert asset.text_vector is not None and len(asset.text_vector) == 384
        assert (asset.tags, asset.taxonomy, asset.description, asset.status.value) == ([], [], "", "approved")


def test_exif_orientation_and_capture_time_are_used(library: Path, index: Indexer, store: AssetStore) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored landscape, displayed rotated a quarter turn
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.DateTimeOriginal] = "2021:07:04 18:30:00"
    exif_ifd[ExifTags.Base.OffsetTimeOriginal] = "+02:00"
    write_photo(library / "rotated.jpg", (60, 40), exif=exif)

    index(library)

    asset = store.get("rotated.jpg")
    assert (asset.width, asset.height, asset.orientation) == (40, 60, "portrait")
    assert asset.created_at == datetime(2021, 7, 4, 16, 30, tzinfo=UTC)


def test_text_vector_embeds_title_description_and_tags(
    library: Path, index: Indexer, store: AssetStore, index_encoders: Encoders
) -> None:
    write_photo(library / "p.jpg")
    (library / "p.jpg.json").write_text(
        '{"title": "Red tram", "description": "A tram in Lisbon.", "tags": "tram; red", "taxonomy": "Transport"}'
    )

    index(library)

    text = index_encoders.text()
    assert text is not None
    expected = text.encode_texts(["Red tram\nA tram in Lisbon.\ntram, red"])[0]
    np.testing.assert_allclose(store.get("p.jpg").text_vector or [], expected, atol=1e-5)


def test_image_vector_is_the_clip_embedding_of_the_upright_image(
    library: Path, index: Indexer, store: AssetStore, index_encoders: Encoders
) -> None:
    path = write_photo(library / "p.png", (48, 64), seed=3)

    index(library)

    clip = index_encoders.clip()
    assert clip is not None
    with Image.open(path) as image:
        expected = clip.encode_images([image.convert("RGB")])[0]
    np.testing.assert_allclose(store.get("p.png").image_vector or [], expected, atol=1e-5)


def test_missing_encoders_warn_once_and_index_without_vectors(
    mixed_folder: Path, index_settings: Settings, store: AssetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encoders = Encoders(clip_spec=f"local-dir:{tmp_path / 'nowhere'}", text_spec="", device="cpu")

    report = run_index(index_settings, mixed_folder, None, quiet=True, store=store, encoders=encoders)

    assert report.indexed == 5  # in two batches, yet each missing model is announced once
    stderr = capsys.readouterr().err
    assert stderr.count("warning:") == 2
    assert f"warning: indexing without image vectors: {tmp_path / 'nowhere'} has no open_clip_config.json" in stderr
    assert "warning: indexing without text vectors: text embeddings disabled (LOUPE_TEXT_MODEL is empty)" in stderr
    assert report.warnings == [line.removeprefix("warning: ") for line in stderr.splitlines()]
    assert all(store.get(relpath).image_vector is None for relpath in FILES)
    assert all(store.get(relpath).text_vector is None for relpath in FILES)


def test_vectors_missing_from_an_earlier_run_are_added_once_models_exist(
    mixed_folder: Path, index_settings: Settings, store: AssetStore, index: Indexer
) -> None:
    without = Encoders(clip_spec="", text_spec="", device="cpu")
    run_index(index_settings, mixed_folder, None, quiet=True, store=store, encoders=without)

    filled = index(mixed_folder)
    again = index(mixed_folder)

    assert (filled.indexed, filled.unchanged) == (5, 0)
    assert all(store.get(relpath).image_vector is not None for relpath in FILES)
    assert all(store.get(relpath).text_vector is not None for relpath in FILES)
    assert (again.indexed, again.unchanged) == (0, 5)


def test_hidden_files_and_the_data_folder_are_not_indexed(
    library: Path, index_settings: Settings, store: AssetStore, index_encoders: Encoders
) -> None:
    write_photo(library / "keep.jpg")
    write_photo(library / ".hidden.jpg", seed=1)
    write_photo(library / ".cache" / "inside.jpg", seed=2)
    settings = index_settings.model_copy(update={"data_dir": library / "loupe-data"})

    first = run_index(settings, library, None, quiet=True, store=store, encoders=index_encoders)
    second = run_index(settings, library, None, quiet=True, store=store, encoders=index_encoders)

    assert (settings.thumbnails_dir / f"{store.get('keep.jpg').sha256}.webp").is_file()
    assert (first.indexed, second.indexed, second.unchanged, second.skipped) == (1, 0, 1, [])
    assert set(store.fingerprints()) == {"keep.jpg"}
