"""`loupe index` flags reach the pipeline, and the cores are shared out between workers and the encoder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from indexer.cli import add_index_command
from indexer.pipeline import indexing_settings
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.indexer.photos import write_photo


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="loupe")
    add_index_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_filters_column_map_and_prune_flags(library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path / "data", clip_model="", text_model="", device="cpu")
    for name in ("keep.jpg", "gone.jpg", "skip/me.jpg", "other.png"):
        write_photo(library / name)
    manifest = tmp_path / "export.jsonl"
    manifest.write_text(json.dumps({"Path": "keep.jpg", "Headline": "Kept"}) + "\n", encoding="utf-8")
    column_map = tmp_path / "map.json"
    column_map.write_text(json.dumps({"Path": "file", "Headline": "title"}), encoding="utf-8")
    common = [str(library), "--include", "*.jpg", "--exclude", "skip", "--quiet"]
    first = parse(["index", *common, "--manifest", str(manifest), "--column-map", str(column_map)])
    assert first.handler(settings, first) == 0
    (library / "gone.jpg").unlink()

    second = parse(["index", *common, "--prune"])

    assert second.handler(settings, second) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[-1] == "indexed 1, unchanged 0, encoded 0, reused 0, failed 0, skipped 0, new conflicts 0, pruned 1"
    )  # title is back
    store = open_store(settings)
    try:
        assert (list(store.fingerprints()), store.get("keep.jpg").title) == (["keep.jpg"], "keep")
    finally:
        store.close()


def test_a_bad_column_map_or_glob_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path / "data", clip_model="", text_model="", device="cpu")
    (tmp_path / "map.json").write_text('{"Headline": "headline"}', encoding="utf-8")
    bad_map = parse(["index", str(tmp_path), "--column-map", str(tmp_path / "map.json")])
    bad_glob = parse(["index", str(tmp_path), "--exclude", " "])

    assert (bad_map.handler(settings, bad_map), bad_glob.handler(settings, bad_glob)) == (2, 2)
    assert capsys.readouterr().err.splitlines() == [
        f"error: column map {tmp_path / 'map.json'} names unknown fields: headline",
        "error: empty glob pattern ' '",
    ]


@pytest.mark.parametrize(
    ("cores", "workers", "threads", "expected"),
    [(2, None, 0, (1, 1)), (16, None, 0, (8, 8)), (16, 4, 0, (4, 12)), (16, None, 3, (8, 3)), (1, None, 0, (1, 1))],
)
def test_cores_are_shared_between_workers_and_encoder_threads(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int | None, threads: int, expected: tuple[int, int]
) -> None:
    monkeypatch.setattr("indexer.pipeline.os.cpu_count", lambda: cores)
    settings = Settings(device="cpu", index_workers=workers, encoder_threads=threads)

    shared = indexing_settings(settings)

    assert (shared.index_workers, shared.encoder_threads) == expected
