"""The benchmark scripts still run and still print their one JSON line (so they cannot rot).

They run as a user runs them, in a subprocess from the repo root, on tiny inputs: these tests
check the plumbing and the figures' shape, never speed.
"""

from __future__ import annotations

import json
import subprocess
import sys

from loupe_core.settings import REPO_ROOT

KINDS = {"keyword", "keyword_facets", "semantic_acl", "hybrid_facets_acl"}
TIMING = {"p50_ms", "p95_ms", "p99_ms", "qps", "queries"}


def run_script(*args: str, timeout: int = 120) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    figures: dict[str, object] = json.loads(last)
    assert "|" in done.stdout  # the markdown table came first
    return figures


def test_query_bench_quick_prints_figures_for_every_engine_and_kind() -> None:
    figures = run_script("bench/query.py", "--quick", "--n", "400", "--queries", "6", "--engines", "embedded,lancedb")
    assert figures["bench"] == "query" and figures["n"] == 400
    engines = figures["engines"]
    assert isinstance(engines, dict) and set(engines) == {"embedded", "lancedb"}
    for name, engine in engines.items():
        assert set(engine) >= KINDS, name
        for kind in KINDS:
            assert set(engine[kind]) >= TIMING, (name, kind)
        assert engine["semantic_acl"]["recall_at_10"] > 0.5
        assert engine["size_bytes"] > 0
    # Exact search under the same filters is the reference, so the embedded store matches it.
    assert engines["embedded"]["semantic_acl"]["recall_at_10"] == 1.0
    assert engines["embedded"]["rss_mb"] > 0
    assert set(figures["ratios_vs_lancedb"]["embedded"]) == KINDS
    assert set(figures["load_s"]) == {"embedded", "lancedb"}


def test_encoder_bench_quick_reports_latency_and_fidelity() -> None:
    figures = run_script("bench/encoders.py", "--quick")
    variants = figures["variants"]
    assert isinstance(variants, dict)
    for name in ("clip_text_full_fp32", "clip_text_trimmed_fp32", "clip_text_trimmed_int8", "minilm_fp32"):
        assert {"p50_ms", "p95_ms", "min_cosine", "ok"} <= set(variants[name]), name
    assert variants["clip_text_trimmed_fp32"]["min_cosine"] >= 0.9999  # trimming is exact
    assert {"images_per_s", "min_cosine"} <= set(variants["clip_image_fp32"])
