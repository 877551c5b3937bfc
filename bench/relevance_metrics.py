"""nDCG@10, P@10 and recall@50 over judged queries, computed by ir_measures (trec_eval's definitions).

trec_eval's nDCG uses gain = grade (not 2^grade - 1) and a log2(rank + 1) discount; P and R count
grades >= 1. Ranks become descending scores for ir_measures, and a query that retrieved nothing
counts as 0 in the mean (trec_eval would leave it out, as without -c).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ir_measures

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]
MEASURES = ("nDCG@10", "P@10", "R@50")


def measures(qrels: Qrels, run: Run) -> dict[str, float]:
    """Means over the judged queries of nDCG@10, P@10 and R@50."""
    scored = {q: {doc: float(len(docs) - i) for i, doc in enumerate(docs)} for q, docs in run.items() if docs}
    judged = {q: dict(grades) for q, grades in qrels.items()}
    totals = dict.fromkeys(MEASURES, 0.0)
    for metric in ir_measures.iter_calc([ir_measures.parse_measure(name) for name in MEASURES], judged, scored):
        totals[str(metric.measure)] += float(metric.value)
    return {name: total / len(qrels) for name, total in totals.items()}
