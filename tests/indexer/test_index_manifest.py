"""DAM exports: JSON lines, column maps, paths that try to leave the library, include/exclude globs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.manifest import SourceError
from indexer.path_filter import PathFilter
from indexer.report import Reason
from loupe_core.store.base import AssetStore
from tests.indexer.conftest import Indexer
from tests.indexer.photos import write_photo

URL_DETAIL = "a URL is not a file under the library root"
COLUMN_MAP = {"Asset ID": "id", "Path": "file", "Headline": "title", "Keywords": "tags", "Internal notes": None}


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_json_lines_export_with_a_column_map(library: Path, tmp_path: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "shoot" / "a.jpg", seed=1)
    write_photo(library / "shoot" / "b.jpg", seed=2)
    write_photo(library / "c.jpg", seed=3)
    rows = [
        {
            "Asset ID": 1001,
            "Path": "shoot/a.jpg",
            "Headline": "Harbour",
            "Keywords": ["boat", "sea"],
            "Internal notes": "x",
        },
        {"Asset ID": "1002", "Path": "shoot/b.jpg", "Headline": "Pier", "Keywords": "pier; wood", "owner": "lia"},
        {"Path": "c.jpg", "Headlin": "typo"},
    ]
    manifest = tmp_path / "export.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")

    report = index(library, manifest, column_map=write_json(tmp_path / "map.json", COLUMN_MAP))

    assert (store.get("1001").title, store.get("1001").tags) == ("Harbour", ["boat", "sea"])
    assert (store.get("1002").tags, store.get("1002").owner) == (["pier", "wood"], "lia")
    assert store.get("1001").provenance["title"] == "manifest"
    assert [(Path(p.path).name, p.reason, p.detail) for p in report.failed] == [
        (f"{manifest.name}:4", Reason.bad_metadata, "manifest line 4 is not valid JSON: Expecting property name "
         "enclosed in double quotes: line 1 column 2 (char 1)"),
        ("c.jpg", Reason.bad_metadata, "manifest line 3 has unknown fields: Headlin"),
    ]  # fmt: skip


def test_csv_export_with_a_column_map(library: Path, tmp_path: Path, index: Indexer, store: AssetStore) -> None:
    write_photo(library / "a.jpg")
    manifest = tmp_path / "export.csv"
    manifest.write_text("Asset ID,Path,Headline,Keywords,Internal notes\nx-1,a.jpg,Dunes,sand;wind,secret\n")

    report = index(library, manifest, column_map=write_json(tmp_path / "map.json", COLUMN_MAP))

    assert (report.indexed, report.failed) == (1, [])
    assert (store.get("x-1").title, store.get("x-1").tags) == ("Dunes", ["sand", "wind"])


def test_rows_pointing_outside_the_root_fail_alone(
    library: Path, tmp_path: Path, index: Indexer, store: AssetStore
) -> None:
    write_photo(library / "inside.jpg", seed=1)
    write_photo(library / "sub" / "normal.jpg", seed=2)
    outside = write_photo(tmp_path / "elsewhere" / "secret.jpg", seed=3)
    (library / "link.jpg").symlink_to(outside)
    manifest = library / "manifest.csv"
    manifest.write_text(
        "file,title\n"
        "../../etc/passwd,Passwords\n"
        "/etc/passwd,Absolute\n"
        f"{outside},Absolute outside\n"
        "https://cdn.example.com/a.jpg,A URL\n"
        f"{library / 'inside.jpg'},Absolute inside\n"
        "sub/../sub/./normal.jpg,Normalised\n",
        encoding="utf-8",
    )

    report = index(library, manifest)

    assert {(p.path, p.reason, p.detail) for p in report.failed} == {
        ("../../etc/passwd", Reason.outside_root, "manifest line 2: the path points outside the library root"),
        ("/etc/passwd", Reason.outside_root, "manifest line 3: the path points outside the library root"),
        (str(outside), Reason.outside_root, "manifest line 4: the path points outside the library root"),
        ("https://cdn.example.com/a.jpg", Reason.outside_root, f"manifest line 5: {URL_DETAIL}"),
        (str(library / "link.jpg"), Reason.outside_root, "a symbolic link to a file outside the library root"),
    }  # fmt: skip
    assert (store.get("inside.jpg").title, store.get("sub/normal.jpg").title) == ("Absolute inside", "Normalised")
    assert store.count() == 2


@pytest.mark.parametrize(
    ("mapping", "message"),
    [({"Headline": "headline"}, "names unknown fields: headline"), (["title"], "must be a JSON object")],
)
def test_an_unusable_column_map_stops_the_run(
    library: Path, tmp_path: Path, index: Indexer, store: AssetStore, mapping: object, message: str
) -> None:
    write_photo(library / "a.jpg")

    with pytest.raises(SourceError, match=message):
        index(library, None, column_map=write_json(tmp_path / "map.json", mapping))
    assert store.count() == 0


def test_include_and_exclude_globs(library: Path, index: Indexer, store: AssetStore) -> None:
    for relpath in ("a.jpg", "deep/b.jpg", "deep/c.png", "raw/d.jpg", "deep/raw/e.jpg", "f.tif", "deep/_tmp_g.jpg"):
        write_photo(library / relpath)
    (library / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    manifest = library / "manifest.csv"
    manifest.write_text("file,title\nraw/d.jpg,Excluded but present\n", encoding="utf-8")

    report = index(library, manifest, include=["*.jpg", "*.png"], exclude=["raw", "**/_tmp_*"])

    assert sorted(store.fingerprints()) == ["a.jpg", "deep/b.jpg", "deep/c.png"]
    assert (report.failed, report.skipped) == ([], [])  # filtered out is neither missing nor unsupported


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("*.jpg", ["a.jpg", "x/y/a.jpg"], ["a.jpeg", "a.jpg/b.png"]),
        ("raw/*", ["raw/a.jpg"], ["raw/x/a.jpg", "x/raw/a.jpg"]),
        ("raw/**", ["raw/a.jpg", "raw/x/a.jpg"], ["x/raw/a.jpg"]),
        ("**/cache/*.png", ["cache/a.png", "x/y/cache/a.png"], ["x/cache/y/a.png"]),
        ("img_[0-9]?.jpg", ["img_12.jpg"], ["img_a2.jpg", "img_1.jpg"]),
        ("/top.jpg", ["top.jpg"], ["x/top.jpg"]),
    ],
)
def test_glob_rules_follow_gitignore(pattern: str, matches: list[str], misses: list[str]) -> None:
    only = PathFilter.from_globs(include=[pattern])

    assert [only.accepts_file(m) for m in matches] == [True] * len(matches)
    assert [only.accepts_file(m) for m in misses] == [False] * len(misses)
