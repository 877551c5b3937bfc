"""A folder of hostile files: every good image is indexed, every bad one is reported with its reason."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from indexer.cli import add_index_command
from indexer.pipeline import run_index
from indexer.report import IndexProblem, Reason
from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from tests.indexer.conftest import Indexer
from tests.indexer.photos import (
    encode,
    photo,
    write_non_utf8_named_jpeg,
    write_photo,
    write_png_bomb,
    write_truncated_jpeg,
)

EXPECTED_FAILED = {
    "truncated.jpg": Reason.corrupt,
    "empty.jpg": Reason.empty,
    "notes.jpg": Reason.not_an_image,
    "bomb.png": Reason.too_large,
    "caf\\xe9.jpg": Reason.bad_filename,
}
EXPECTED_SKIPPED = {"clip.mp4": Reason.unsupported, "brochure.pdf": Reason.unsupported}
CLIP_256: dict[str, Any] = {
    "model_cfg": {
        "embed_dim": 256,
        "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 1},
    },
    "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]},
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write_photo(folder / "good.jpg", seed=1)
    write_photo(folder / "sub" / "good.png", (30, 30), seed=2)
    write_truncated_jpeg(folder / "truncated.jpg")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_text("shopping list: lemons, plates\n")
    write_png_bomb(folder / "bomb.png")
    write_non_utf8_named_jpeg(folder)
    (folder / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (folder / "brochure.pdf").write_bytes(b"%PDF-1.7\n")
    return folder


def by_name(problems: list[IndexProblem]) -> dict[str, Reason]:
    return {p.path.rsplit("/", 1)[-1]: p.reason for p in problems}


def test_good_files_are_indexed_and_each_bad_one_reported(
    hostile_folder: Path, index: Indexer, store: AssetStore
) -> None:
    report = index(hostile_folder)

    assert set(store.fingerprints()) == {"good.jpg", "sub/good.png"}
    assert report.indexed == 2
    assert by_name(report.failed) == EXPECTED_FAILED
    assert by_name(report.skipped) == EXPECTED_SKIPPED
    details = {p.path.rsplit("/", 1)[-1]: p.detail for p in report.failed}
    assert details["bomb.png"].startswith("decompression bomb refused")
    assert details["truncated.jpg"].startswith("corrupt or truncated image")
    assert report.exit_code == 0


def test_hostile_files_leave_no_partial_renditions(
    hostile_folder: Path, index: Indexer, store: AssetStore, index_settings: Settings
) -> None:
    index(hostile_folder)

    written = {
        p.name for folder in (index_settings.thumbnails_dir, index_settings.previews_dir) for p in folder.iterdir()
    }
    assert written == {store.get(name).thumbnail for name in ("good.jpg", "sub/good.png")}


def frames(*colours: str) -> list[Image.Image]:
    return [Image.new("RGB", (40, 30), colour) for colour in colours]


def test_unusual_but_valid_images_are_indexed_correctly(
    library: Path, index: Indexer, store: AssetStore, index_settings: Settings
) -> None:
    """CMYK, 16-bit, palette with transparency, animations (first frame) and a PNG named .jpg."""
    Image.new("CMYK", (40, 30), (0, 230, 230, 0)).save(library / "cmyk.jpg")
    Image.fromarray(np.full((30, 40), 30000, dtype=np.uint16)).save(library / "deep.png")
    palette = Image.new("P", (40, 30), 1)
    palette.putpalette([0, 0, 0, 30, 90, 230])
    palette.paste(0, (0, 0, 20, 30))
    palette.save(library / "palette.png", transparency=0)
    first, *rest = frames("#2e7d32", "#1565c0", "#c62828")
    first.save(library / "animated.gif", save_all=True, append_images=rest, duration=100)
    first.save(library / "animated.webp", save_all=True, append_images=rest, duration=100)
    (library / "really-a-png.jpg").write_bytes(encode(photo(seed=4), "PNG"))

    report = index(library)

    assert (report.indexed, report.failed) == (6, [])
    facts = {a: (store.get(a).file_type, store.get(a).color_families) for a in store.fingerprints()}
    assert facts == {
        "cmyk.jpg": ("jpeg", ["red"]),
        "deep.png": ("png", ["gray"]),  # not white: 16 bits are scaled, not clipped
        "palette.png": ("png", ["blue"]),  # the transparent half does not count
        "animated.gif": ("gif", ["green"]),  # the first frame
        "animated.webp": ("webp", ["green"]),
        "really-a-png.jpg": ("png", facts["really-a-png.jpg"][1]),  # the content decides, not the name
    }
    with Image.open(index_settings.thumbnails_dir / (store.get("palette.png").thumbnail or "")) as thumb:
        assert thumb.mode == "RGBA"


def test_strict_turns_failures_into_a_non_zero_exit(hostile_folder: Path, index: Indexer) -> None:
    assert index(hostile_folder, strict=True).exit_code == 1


def test_strict_ignores_files_that_are_merely_unsupported(library: Path, index: Indexer) -> None:
    write_photo(library / "ok.jpg")
    (library / "readme.txt").write_text("not an image")

    report = index(library, strict=True)

    assert (report.indexed, by_name(report.skipped), report.exit_code) == (1, {"readme.txt": Reason.unsupported}, 0)


def test_the_pixel_limit_comes_from_settings(
    library: Path, index_settings: Settings, store: AssetStore, index_encoders: Encoders
) -> None:
    write_photo(library / "big.png", (100, 100))
    settings = index_settings.model_copy(update={"max_image_pixels": 5_000})

    report = run_index(settings, library, None, quiet=True, store=store, encoders=index_encoders)

    assert [(p.reason, p.detail) for p in report.failed] == [
        (Reason.too_large, "image is 100x100 = 10000 pixels, over the limit of 5000")
    ]


def test_error_report_is_utf8_json_lines_with_escaped_paths(
    hostile_folder: Path, index: Indexer, tmp_path: Path
) -> None:
    destination = tmp_path / "reports" / "errors.jsonl"

    index(hostile_folder, report_path=destination)

    lines = destination.read_bytes().decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(set(row) == {"path", "reason", "detail"} for row in rows)
    assert {row["path"]: row["reason"] for row in rows} == {
        str(hostile_folder / name): reason.value for name, reason in {**EXPECTED_FAILED, **EXPECTED_SKIPPED}.items()
    }
    assert f"{hostile_folder}/caf\\xe9.jpg" in {row["path"] for row in rows}


def test_an_empty_error_report_replaces_a_stale_one(library: Path, index: Indexer, tmp_path: Path) -> None:
    write_photo(library / "fine.jpg")
    destination = tmp_path / "errors.jsonl"
    destination.write_text('{"path": "old", "reason": "corrupt", "detail": ""}\n')

    index(library, report_path=destination)

    assert destination.read_text() == ""


def test_rejected_writes_are_reported_and_leave_no_rows(library: Path, tmp_path: Path) -> None:
    """A CLIP model whose vectors do not fit the mapping: the store refuses each asset whole."""
    model_dir = tmp_path / "clip-256"
    model_dir.mkdir()
    (model_dir / "open_clip_config.json").write_text(json.dumps(CLIP_256))
    from open_clip.model import CLIP

    torch.save(CLIP(**CLIP_256["model_cfg"]).state_dict(), model_dir / "open_clip_pytorch_model.bin")
    settings = Settings(data_dir=tmp_path / "data", clip_model=f"local-dir:{model_dir}", text_model="", device="cpu")
    write_photo(library / "one.jpg", seed=1)
    write_photo(library / "two.jpg", seed=2)

    report = run_index(settings, library, None, quiet=True)

    assert report.indexed == 0
    assert [(Path(p.path).name, p.reason, p.detail) for p in report.failed] == [
        (name, Reason.write_failed, "image_vector has 256 dimensions, the mapping says 512")
        for name in ("one.jpg", "two.jpg")
    ]
    store = open_store(settings)
    try:
        assert store.count() == 0
    finally:
        store.close()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="loupe")
    add_index_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture
def modelless_settings(tmp_path: Path) -> Settings:
    """The CLI opens its own store and encoders; without models it stays fast and says so."""
    return Settings(data_dir=tmp_path / "cli-data", clip_model="", text_model="", device="cpu")


def test_cli_prints_each_problem_and_a_summary(
    hostile_folder: Path, modelless_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "errors.jsonl"
    args = parse(["index", str(hostile_folder), "--report", str(report), "--quiet"])

    assert args.handler(modelless_settings, args) == 0

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[-1] == (
        "indexed 2, unchanged 0, encoded 0, reused 0, failed 5, skipped 2, new conflicts 0 "
        "(bad_filename 1, corrupt 1, empty 1, not_an_image 1, too_large 1)"
    )
    assert f"  empty              {hostile_folder}/empty.jpg: the file is empty (0 bytes)" in lines
    assert sum(line.startswith("  unsupported ") for line in lines) == 2
    assert "warning: indexing without image vectors: clip embeddings disabled (LOUPE_CLIP_MODEL is empty)" in err
    assert len(report.read_text().splitlines()) == 7


def test_cli_strict_exit_code(hostile_folder: Path, modelless_settings: Settings) -> None:
    args = parse(["index", str(hostile_folder), "--strict", "--quiet"])

    assert args.handler(modelless_settings, args) == 1


def test_cli_reports_a_run_that_cannot_start(
    tmp_path: Path, modelless_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse(["index", str(tmp_path / "no-such-folder")])

    assert args.handler(modelless_settings, args) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'no-such-folder'} is not a folder\n"
