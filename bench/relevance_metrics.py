"""nDCG@10, P@10 and recall@50 over judged queries, with ir_measures (trec_eval's definitions).

Until `ir-measures` (declared in the `bench` extra) is installed, the same three measures are
computed here as trec_eval defines them: gain = grade (not 2^grade - 1), log2(rank + 1)
discount, ideal ranking from the judged grades; P and R count grades >= 1. `tests/bench`
checks this code against ir_measures whenever both are present.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]
MEASURES = ("nDCG@10", "P@10", "R@50")


def local_measures(qrels: Qrels, run: Run) -> dict[str, float]:
    """Means over the judged queries of nDCG@10, P@10 and R@50."""
    totals = dict.fromkeys(MEASURES, 0.0)
    for query, grades in qrels.items():
        ranked = list(run.get(query, ()))
        dcg = sum(grades.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:10], start=1))
        ideal = sorted(grades.values(), reverse=True)[:10]
        idcg = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
        relevant = {doc for doc, grade in grades.items() if grade >= 1}
        totals["nDCG@10"] += dcg / idcg if idcg else 0.0
        totals["P@10"] += sum(doc in relevant for doc in ranked[:10]) / 10
        totals["R@50"] += sum(doc in relevant for doc in ranked[:50]) / len(relevant) if relevant else 0.0
    return {name: total / len(qrels) for name, total in totals.items()}


def ir_measures_available() -> bool:
    try:
        import ir_measures  # noqa: F401
    except ImportError:
        return False
    return True


def library_measures(qrels: Qrels, run: Run) -> dict[str, float]:
    """The same means, computed per query by ir_measures. Ranks become descending scores; a query
    that retrieved nothing counts as 0 (trec_eval would leave it out of the mean, as without -c)."""
    import ir_measures

    scored = {q: {doc: float(len(docs) - i) for i, doc in enumerate(docs)} for q, docs in run.items() if docs}
    judged = {q: dict(grades) for q, grades in qrels.items()}
    totals = dict.fromkeys(MEASURES, 0.0)
    for metric in ir_measures.iter_calc([ir_measures.parse_measure(name) for name in MEASURES], judged, scored):
        totals[str(metric.measure)] += float(metric.value)
    return {name: total / len(qrels) for name, total in totals.items()}


def measures(qrels: Qrels, run: Run) -> tuple[dict[str, float], str]:
    """The three means and the name of what computed them."""
    if ir_measures_available():
        return library_measures(qrels, run), "ir_measures"
    return local_measures(qrels, run), "local (trec_eval definitions)"
