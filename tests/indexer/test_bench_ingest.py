"""`bench/ingest.py` still runs end to end (on a handful of small images and the tiny model): it must not rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from loupe_core.settings import REPO_ROOT


@pytest.mark.bench_smoke
def test_ingest_bench_prints_its_figures(tiny_clip_dir: Path) -> None:
    command = [sys.executable, str(REPO_ROOT / "bench" / "ingest.py"), "--quick", "-n", "4", "--repeat", "1"]
    command += ["--clip", f"local-dir:{tiny_clip_dir}", "--text-model", "", "--min-side", "64", "--max-side", "256"]

    finished = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False, cwd=REPO_ROOT)

    assert finished.returncode == 0, finished.stderr
    figures = json.loads(finished.stdout.splitlines()[-1])
    assert figures["images"] == 4
    assert figures["encoder_img_s"] > 0 and figures["pipeline_img_s"] > 0
    assert figures["ratio"] == pytest.approx(figures["pipeline_img_s"] / figures["encoder_img_s"], rel=0.01, abs=0.002)
    assert figures["encoder_all_cores_img_s"] > 0 and len(figures["encoder_all_cores_samples"]) == 2  # before, after
    assert figures["ratio_to_all_cores"] == pytest.approx(
        figures["pipeline_img_s"] / figures["encoder_all_cores_img_s"], rel=0.01, abs=0.002
    )
    assert {"decode", "renditions", "encode_images", "write", "total"} <= set(figures["stage_s"])
    assert {"decode", "renditions", "worker_cpu"} <= set(figures["derive_ms_per_image"])
    for kind in ("preview", "thumbnail"):
        assert figures[f"{kind}_mean_bytes"] > 0
        assert 0 < figures[f"{kind}_min_ssim"] <= figures[f"{kind}_mean_ssim"] <= 1
        rows = [row for row in figures["rendition_candidates"] if row["rendition"] == kind]
        assert sum(row["loupe"] for row in rows) == 1 and all(row["mean_bytes"] > 0 for row in rows)
    for table in ("| images/s ", "| encoder_img_s ", "| encode_images ", "| encoding "):
        assert table in finished.stdout
