"""Sidecars and the CSV manifest: every field, precedence, and bad metadata refused per file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indexer.report import Reason
from indexer.sources import SourceError
from loupe_core.schema import AssetStatus
from loupe_core.store.base import AssetStore
from tests.indexer.conftest import Indexer
from tests.indexer.photos import write_photo

HEADER = "id,file,title,description,tags,taxonomy,owner,groups,status,license_expires,credit\n"


def write_sidecar(image: Path, **fields: object) -> Path:
    sidecar = image.with_name(image.name + ".json")
    sidecar.write_text(json.dumps(fields), encoding="utf-8")
    return sidecar


def test_sidecar_sets_every_field(library: Path, index: Indexer, store: AssetStore) -> None:
    photo = write_photo(library / "shoot" / "photo.jpg")
    write_sidecar(
        photo,
        id="brand-0001",
        title="Lemons on a blue plate",
        description="Still life for the summer campaign.",
        tags="lemon; citrus ;; yellow",
        taxonomy=["Food / Fruit", "Campaigns/Summer 2024"],
        owner="maria",
        groups=["marketing", "brand"],
        status="draft",
        license_expires="2026-12-31",
        credit="Studio Nord",
        created_at="2024-05-01T09:30:00+02:00",
        exif_make="Nikon",  # keys other tools write are ignored
    )

    report = index(library)

    assert (report.indexed, report.failed, report.skipped) == (1, [], [])
    asset = store.get("brand-0001")
    assert asset.title == "Lemons on a blue plate"
    assert asset.description == "Still life for the summer campaign."
    assert asset.tags == ["lemon", "citrus", "yellow"]
    assert asset.taxonomy == ["Food/Fruit", "Campaigns/Summer 2024"]
    assert (asset.owner, asset.groups, asset.status) == ("maria", ["marketing", "brand"], AssetStatus.draft)
    assert (asset.license_expires, asset.credit) == (date(2026, 12, 31), "Studio Nord")
    assert asset.created_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert asset.path == str(photo)


def test_manifest_wins_over_sidecar_field_by_field(library: Path, index: Indexer, store: AssetStore) -> None:
    both = write_photo(library / "both.jpg", seed=1)
    write_sidecar(both, title="Sidecar title", tags=["from-sidecar"], owner="sidecar-owner", credit="Sidecar Ltd")
    sidecar_only = write_photo(library / "sidecar-only.jpg", seed=2)
    write_sidecar(sidecar_only, title="Only in a sidecar")
    write_photo(library / "plain.png", seed=3)
    manifest = library / "manifest.csv"
    manifest.write_text(
        HEADER + "m-both,both.jpg,Manifest title,,,Food/Fruit,manifest-owner,,,,\n",
        encoding="utf-8",
    )

    report = index(library, manifest)

    assert (report.indexed, report.failed, report.skipped) == (3, [], [])  # the manifest is not "unsupported"
    merged = store.get("m-both")
    assert (merged.title, merged.owner, merged.taxonomy) == ("Manifest title", "manifest-owner", ["Food/Fruit"])
    assert (merged.tags, merged.credit) == (["from-sidecar"], "Sidecar Ltd")  # empty cells do not erase
    assert store.get("sidecar-only.jpg").title == "Only in a sidecar"
    assert store.get("plain.png").title == "plain"


def test_manifest_with_bom_quotes_and_multiline_cells(library: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "a b" / "ü.jpg")
    manifest = library.parent / "export.csv"  # outside the folder is fine too
    manifest.write_text(
        "\ufeff" + HEADER + 'x1,a b/ü.jpg,"Café, terrace","Line one\nline two","café;terrace",,,"a;b",approved,,\n',
        encoding="utf-8",
    )

    index(library, manifest)

    asset = store.get("x1")
    assert (asset.title, asset.description) == ("Café, terrace", "Line one\nline two")
    assert (asset.tags, asset.groups) == (["café", "terrace"], ["a", "b"])


def test_bad_metadata_fails_only_that_file(library: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "good.jpg", seed=1)
    write_photo(library / "bad-date.jpg", seed=2)
    write_photo(library / "bad-status.jpg", seed=3)
    broken = write_photo(library / "broken-sidecar.jpg", seed=4)
    broken.with_name("broken-sidecar.jpg.json").write_text("{not json", encoding="utf-8")
    listy = write_photo(library / "list-sidecar.jpg", seed=5)
    listy.with_name("list-sidecar.jpg.json").write_text("[1, 2]", encoding="utf-8")
    manifest = library / "manifest.csv"
    manifest.write_text(
        HEADER
        + ",bad-date.jpg,,,,,,,,2024-13-45,\n"
        + ",bad-status.jpg,,,,,,,published,,\n"
        + ",missing.jpg,Gone,,,,,,,,\n",
        encoding="utf-8",
    )

    report = index(library, manifest)

    failed = {Path(p.path).name: (p.reason, p.detail) for p in report.failed}
    assert {name: reason for name, (reason, _) in failed.items()} == {
        "bad-date.jpg": Reason.bad_metadata,
        "bad-status.jpg": Reason.bad_metadata,
        "broken-sidecar.jpg": Reason.bad_metadata,
        "list-sidecar.jpg": Reason.bad_metadata,
        "missing.jpg": Reason.missing_file,
    }
    assert failed["bad-date.jpg"][1].startswith("manifest line 2: license_expires:")
    assert failed["bad-status.jpg"][1].startswith("manifest line 3: status:")
    assert failed["broken-sidecar.jpg"][1].startswith("sidecar broken-sidecar.jpg.json is not readable JSON")
    assert failed["list-sidecar.jpg"][1] == "sidecar list-sidecar.jpg.json must hold a JSON object, not list"
    assert set(store.fingerprints()) == {"good.jpg"}


def test_an_id_used_twice_fails_the_second_file(library: Path, index: Indexer, store: AssetStore) -> None:
    write_sidecar(write_photo(library / "a.jpg", seed=1), id="same")
    write_sidecar(write_photo(library / "b.jpg", seed=2), id="same")

    report = index(library)

    assert [(Path(p.path).name, p.reason, p.detail) for p in report.failed] == [
        ("b.jpg", Reason.duplicate_id, "id 'same' is already used by a.jpg")
    ]
    assert store.get("same").filename == "a.jpg"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title,tags\nx,y\n", "has no 'file' column"),
        ("file,title,tag\na.jpg,x,y\n", "has unknown columns: tag"),
    ],
)
def test_an_unusable_manifest_stops_the_run_before_any_write(
    library: Path, index: Indexer, store: AssetStore, content: str, message: str
) -> None:
    write_photo(library / "a.jpg")
    manifest = library / "manifest.csv"
    manifest.write_text(content, encoding="utf-8")

    with pytest.raises(SourceError, match=message):
        index(library, manifest)
    assert store.count() == 0
