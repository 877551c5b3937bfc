"""bench/relevance.py --quick still runs, and the targets it measures still hold on the demo library:
nonsense finds nothing once floors apply, and hybrid ranks at least as well as keyword or semantic alone."""

from __future__ import annotations

import pytest

from bench.relevance_metrics import MEASURES, measures
from tests.bench.test_query_bench import run_script


def test_relevance_bench_quick_meets_its_targets() -> None:
    figures = run_script("bench/relevance.py", "--quick", timeout=300)
    assert figures["bench"] == "relevance" and figures["quick"] is True
    runs = figures["figures"]["demo"]["embedded"]  # type: ignore[index]
    assert 0.1 < runs["floors"]["text_vector"] < 0.6
    for name, found in runs.items():
        if name == "floors":
            continue
        assert set(found) >= {*MEASURES, "ndcg_by_kind", "nonsense_results", "repeats_at_10"}, name
        if "no floors" not in name:
            assert found["nonsense_results"] == [0, 0, 0, 0], name
    best_single = max(runs["keyword"]["nDCG@10"], runs["semantic"]["nDCG@10"])
    assert runs["hybrid rrf"]["nDCG@10"] >= best_single
    assert runs["hybrid rrf, duplicates collapsed"]["repeats_at_10"] <= runs["hybrid rrf"]["repeats_at_10"]


QRELS = {"q1": {"a": 2, "b": 1, "c": 0}, "q2": {"d": 1}, "q3": {"e": 2}}
RUN = {"q1": ["b", "x", "a", "c"], "q2": ["y", "z"], "q3": []}


def test_measures_follow_trec_eval_definitions() -> None:
    """What the bench reports, on a case worked by hand: ir_measures, used as the bench uses it."""
    found = measures(QRELS, RUN)
    dcg = 1 / 1 + 2 / 2  # b (grade 1) at rank 1, a (grade 2) at rank 3: log2(4) = 2
    idcg = 2 / 1 + 1 / 1.584962500721156
    assert found["nDCG@10"] == pytest.approx((dcg / idcg + 0 + 0) / 3)
    assert found["P@10"] == pytest.approx((2 / 10) / 3)
    assert found["R@50"] == pytest.approx((2 / 2) / 3)
