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
    assert {"decode", "renditions", "encode_images", "write", "total"} <= set(figures["stage_s"])
    assert "| encoder_img_s " in finished.stdout and "| encode_images " in finished.stdout  # the two tables
