"""`bench/ocr.py` still runs end to end and still prints its one JSON line (so it cannot rot).

Quick mode, as a user runs it, in a subprocess from the repo root. Speed is never checked; the
scores of Loupe's reader are, loosely: on 8 photos with legible drawn text it must read nearly
every word and make up almost none, or the engine or its decoding has broken.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loupe_core.settings import REPO_ROOT

LOUPE = "loupe (rapidocr + space-aware decoding)"


@pytest.mark.bench_smoke
def test_ocr_bench_quick_scores_loupes_reader_on_generated_scene_text() -> None:
    command = [sys.executable, "bench/ocr.py", "--quick"]

    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr[-3000:]
    assert f"| {LOUPE} " in done.stdout  # the table came first
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["bench"], figures["set"]["images"], figures["set"]["bare_photos"]) == ("ocr", 8, 4)
    results = {r["engine"]: r for r in figures["results"]}
    assert set(results[LOUPE]) == {
        "engine",
        "recall",
        "precision",
        "ms_per_image_p50",
        "ms_per_image_mean",
        "noise_words_per_bare_photo",
    }
    assert results[LOUPE]["recall"] >= 0.9 and results[LOUPE]["precision"] >= 0.9
