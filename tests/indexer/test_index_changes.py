"""Re-runs: nothing changed means nothing written; changed content or metadata re-indexes that file only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from tests.indexer.conftest import Indexer
from tests.indexer.photos import write_photo

NAMES = ("a.jpg", "b.png", "nested/c.webp", "nested/d.jpg")


@pytest.fixture
def indexed(library: Path, index: Indexer) -> Path:
    for seed, name in enumerate(NAMES):
        write_photo(library / name, seed=seed)
    (library / "a.jpg.json").write_text(json.dumps({"title": "Alpha", "owner": "ana", "tags": ["one"]}))
    assert index(library).indexed == len(NAMES)
    return library


def snapshot(store: AssetStore) -> dict[str, Asset]:
    return {asset_id: store.get(asset_id) for asset_id in store.fingerprints()}


def test_a_second_run_changes_nothing(indexed: Path, index: Indexer, store: AssetStore) -> None:
    before = snapshot(store)

    report = index(indexed)

    assert (report.indexed, report.unchanged, report.failed, report.skipped) == (0, len(NAMES), [], [])
    assert snapshot(store) == before  # not even indexed_at moved: nothing was written


def test_changed_content_is_reindexed(indexed: Path, index: Indexer, store: AssetStore) -> None:
    before = store.get("b.png")
    write_photo(indexed / "b.png", (80, 20), seed=42)

    report = index(indexed)

    after = store.get("b.png")
    assert (report.indexed, report.unchanged) == (1, len(NAMES) - 1)
    assert after.sha256 != before.sha256
    assert (after.width, after.height, after.orientation) == (80, 20, "landscape")
    assert after.thumbnail == f"{after.sha256}.webp"
    assert after.image_vector != before.image_vector
    assert after.indexed_at is not None and before.indexed_at is not None and after.indexed_at > before.indexed_at


def test_changed_sidecar_reindexes_without_touching_content_fields(
    indexed: Path, index: Indexer, store: AssetStore
) -> None:
    before = store.get("a.jpg")
    (indexed / "a.jpg.json").write_text(json.dumps({"title": "Alpha, retouched", "tags": ["one", "two"]}))

    report = index(indexed)

    after = store.get("a.jpg")
    assert (report.indexed, report.unchanged) == (1, len(NAMES) - 1)
    assert (after.title, after.tags) == ("Alpha, retouched", ["one", "two"])
    assert after.owner is None  # a field dropped from the sidecar is cleared, not kept from before
    assert after.image_vector == before.image_vector
    assert after.text_vector != before.text_vector
    content = ("sha256", "phash", "dhash", "width", "height", "thumbnail", "bytes", "file_type")
    assert after.model_dump(include=set(content)) == before.model_dump(include=set(content))


def test_changed_manifest_row_reindexes_that_file(indexed: Path, index: Indexer, store: AssetStore) -> None:
    manifest = indexed / "manifest.csv"
    manifest.write_text("file,title,status\nnested/d.jpg,Delta,approved\n", encoding="utf-8")
    first = index(indexed, manifest)
    manifest.write_text("file,title,status\nnested/d.jpg,Delta,archived\n", encoding="utf-8")

    second = index(indexed, manifest)

    assert (first.indexed, second.indexed, second.unchanged) == (1, 1, len(NAMES) - 1)
    assert store.get("nested/d.jpg").status == "archived"


def test_a_lost_thumbnail_is_rebuilt(
    indexed: Path, index: Indexer, store: AssetStore, index_settings: Settings
) -> None:
    thumbnail = index_settings.thumbnails_dir / (store.get("nested/c.webp").thumbnail or "")
    thumbnail.unlink()

    report = index(indexed)

    assert (report.indexed, report.unchanged) == (1, len(NAMES) - 1)
    assert thumbnail.is_file()


def test_facts_from_an_older_indexer_are_derived_again(indexed: Path, index: Indexer, store: AssetStore) -> None:
    """A library indexed before CIELAB colours existed gets them on the next run, keeping its metadata."""
    current = store.get("a.jpg")
    old = current.model_copy(update={"facts_version": None, "color_lab": [], "color_families": []})
    store.upsert([old])

    report = index(indexed)

    after = store.get("a.jpg")
    assert (report.indexed, report.unchanged) == (1, len(NAMES) - 1)
    assert (after.facts_version, after.color_lab, after.color_families) == (
        current.facts_version,
        current.color_lab,
        current.color_families,
    )
    assert (after.title, after.owner) == ("Alpha", "ana")


def test_identical_copies_share_one_thumbnail(library: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "original.jpg", seed=5)
    (library / "copy.jpg").write_bytes((library / "original.jpg").read_bytes())

    index(library)

    original, copy = store.get("original.jpg"), store.get("copy.jpg")
    assert original.sha256 == copy.sha256
    assert original.thumbnail == copy.thumbnail


def test_a_new_file_is_the_only_one_encoded(indexed: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(indexed / "nested" / "new.png", seed=77)

    report = index(indexed)

    assert (report.indexed, report.encoded, report.unchanged) == (1, 1, len(NAMES))


def test_deleted_files_stay_indexed_unless_pruned(indexed: Path, index: Indexer, store: AssetStore) -> None:
    (indexed / "a.jpg").unlink()
    (indexed / "nested" / "c.webp").unlink()

    kept = index(indexed)
    pruned = index(indexed, prune=True)
    again = index(indexed, prune=True)

    assert (kept.pruned, pruned.pruned, again.pruned) == (None, 2, 0)
    assert sorted(store.fingerprints()) == ["b.png", "nested/d.jpg"]
    assert pruned.summary().endswith(", pruned 2")


def test_prune_keeps_an_id_that_moved_with_its_file(library: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "shoot" / "original.jpg", seed=3)
    manifest = library / "manifest.csv"
    manifest.write_text("id,file\nbrand-1,shoot/original.jpg\n", encoding="utf-8")
    index(library, manifest)
    (library / "shoot" / "original.jpg").rename(library / "renamed.jpg")
    manifest.write_text("id,file\nbrand-1,renamed.jpg\n", encoding="utf-8")

    report = index(library, manifest, prune=True)

    assert (report.pruned, report.indexed, list(store.fingerprints())) == (0, 1, ["brand-1"])
    assert store.get("brand-1").path == str(library / "renamed.jpg")


def test_prune_only_touches_files_under_the_indexed_root(
    indexed: Path, tmp_path: Path, index: Indexer, store: AssetStore
) -> None:
    other = tmp_path / "other-library"
    write_photo(other / "x.jpg", seed=90)
    index(other)
    (other / "x.jpg").unlink()

    report = index(indexed, prune=True)

    assert report.pruned == 0
    assert "x.jpg" in store.fingerprints()


def test_prune_finds_assets_indexed_before_the_journal_existed(
    indexed: Path, index: Indexer, store: AssetStore, index_settings: Settings
) -> None:
    index_settings.index_journal_path.unlink()
    (indexed / "b.png").unlink()

    report = index(indexed, prune=True)

    assert report.pruned == 1
    assert "b.png" not in store.fingerprints()
