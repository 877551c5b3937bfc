"""`bench/duplicates.py` still runs end to end and still prints its one JSON line (so it cannot rot).

It runs as a user runs it, in a subprocess from the repo root, in quick mode on six source
photos (the skimage.data ones are always there): the figures' shape is checked, never speed.
One score is exact rather than shape: a byte-identical copy always shares its original's
sha256, so Loupe's exact queue must find every one of them, and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loupe_core.settings import REPO_ROOT

VARIANTS = {
    "exact", "resize", "jpeg_q30", "crop_5", "crop_15", "crop_30", "brightness", "grayscale", "watermark",
    "caption", "rotate_90", "rotate_small", "perspective", "mirror", "second_take",
}  # fmt: skip
SCORES = {
    "precision", "recall", "f1", "found_pairs", "false_pairs", "singleton_false_pairs", "time_s", "hash_s",
    "match_s", "match_s_per_1000", "variant_recall",
}  # fmt: skip
METHODS = {
    "loupe exact+visual",
    "loupe exact",
    "loupe visual",
    "loupe clusters (exact+visual)",
    "loupe near (geometric)",
    "loupe all queues",
    "loupe clusters (all queues)",
    "imagededup PHash",
    "imagededup DHash",
    "imagededup WHash",
    "imagededup AHash",
    "imagehash phash",
}


@pytest.mark.bench_smoke
def test_duplicates_bench_quick_scores_every_method_on_one_corpus() -> None:
    command = [sys.executable, "bench/duplicates.py", "--quick", "--sources", "6"]

    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr[-3000:]
    assert "| loupe all queues " in done.stdout and "| second_take " in done.stdout  # both tables came first
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "duplicates"
    corpus = figures["corpus"]
    # 6 sources, two thirds duplicated: 4 originals with 14 copies each, 2 distinct photos, plus the
    # real second takes (skimage's stereo motorcycle always, opencv-doc's 8 pairs when installed).
    takes = corpus["second_take_pairs"]
    assert takes in (1, 9)
    assert (corpus["files"], corpus["duplicated_sources"], corpus["distinct_sources"]) == (62 + 2 * takes, 4, 2)
    assert corpus["duplicate_pairs"] == 4 * 15 * 14 // 2 + takes
    assert sum(corpus["sources"].values()) == 6 and set(corpus["variants"]) == VARIANTS
    results = figures["results"]
    assert {r["method"] for r in results} >= METHODS
    for result in results:
        assert set(result) >= SCORES, result["method"]
        assert set(result["variant_recall"]) == VARIANTS, result["method"]
        assert 0 <= result["f1"] <= 1 and result["time_s"] > 0, result["method"]
    exact = next(r for r in results if r["method"] == "loupe exact")
    assert exact["variant_recall"]["exact"] == 1.0 and exact["precision"] == 1.0
    assert exact["found_pairs"] == corpus["duplicated_sources"]
    default = next(r for r in results if r["method"] == "loupe exact+visual" and r["threshold"].endswith("(default)"))
    assert default["variant_recall"]["exact"] == 1.0
    everything = next(r for r in results if r["method"] == "loupe all queues")
    assert everything["singleton_false_pairs"] == 0 and everything["variant_recall"]["exact"] == 1.0
    assert everything["refresh_s_per_1000"] > 0
    assert figures["loupe_ingest"]["features_bytes_max"] <= 17 + 1300 * 36
    assert "loupe near (CLIP)" in figures["not_run"]
    assert "imagededup CNN" in figures["not_run"] or any(r["method"] == "imagededup CNN" for r in results)
    assert figures["best_imagededup"].startswith("imagededup ")
    assert set(figures["loupe_vs_best_imagededup"]) == {
        "f1_delta",
        "f1_ratio",
        "time_ratio_end_to_end",
        "time_ratio_refresh_only",
    }
