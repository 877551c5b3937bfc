"""Fusion of a query's ranked lists into one ranking, shared by both backends so hybrid and
semantic results are identical on each.

Every list arrives best first as (id, score): BM25 for the keyword list, cosine for a vector
list. A vector list is cut at its field's relevance floor before fusion, so a hit that only a
vector list found enters the result set only when its similarity clears the floor; the keyword
list enters whole. Entries below a floor still become evidence for hits that entered another way.

Three fusions, chosen by `bench/relevance.py` (see the README for the figures):
- `rrf`: score = sum 1/(k + rank) over the lists (Cormack et al.);
- `weighted_rrf`: the same with the keyword list weighted by `keyword_weight`;
- `scores`: a normalised score combination: BM25 divided by the list's best BM25, cosine mapped
  from [floor, 1] to [0, 1], summed with the same weights. Scores, unlike ranks, say how far
  apart two hits are, so a weak semantic tail cannot outrank a strong keyword match.
Ties break by id, so every backend agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from loupe_core.query import KEYWORD_LIST, FusionMethod, ListEvidence

Ranked = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class RankedList:
    name: str
    """`KEYWORD_LIST` or a vector field's name (the hit's evidence key)."""
    entries: Ranked
    floor: float | None = None
    """Vector lists only: entries below it do not vouch for a hit."""

    def vouching(self) -> Ranked:
        """The entries that may bring a hit into the result set (lists are sorted, so a prefix)."""
        if self.floor is None:
            return self.entries
        return [(doc_id, score) for doc_id, score in self.entries if score >= self.floor]


@dataclass
class FusedHit:
    id: str
    score: float
    evidence: dict[str, ListEvidence] = field(default_factory=dict)


def _contribution(
    ranked: RankedList, rank: int, score: float, best: float, method: FusionMethod, k: int, weight: float
) -> float:
    if method is FusionMethod.scores:
        if ranked.name == KEYWORD_LIST:
            normalised = score / best if best > 0 else 1.0
        else:
            floor = ranked.floor or 0.0
            normalised = max(0.0, (score - floor) / (1.0 - floor)) if floor < 1.0 else 1.0
        return weight * normalised
    return weight / (k + rank)


def fuse(
    lists: Sequence[RankedList],
    method: FusionMethod = FusionMethod.rrf,
    k: int = 60,
    keyword_weight: float = 1.0,
) -> list[FusedHit]:
    """One ranking of every hit some list vouches for, best first, each with its evidence."""
    fused: dict[str, FusedHit] = {}
    for ranked in lists:
        weight = keyword_weight if ranked.name == KEYWORD_LIST and method is not FusionMethod.rrf else 1.0
        best = ranked.entries[0][1] if ranked.entries else 0.0
        for rank, (doc_id, score) in enumerate(ranked.vouching(), start=1):
            hit = fused.setdefault(doc_id, FusedHit(doc_id, 0.0))
            hit.score += _contribution(ranked, rank, score, best, method, k, weight)
            hit.evidence[ranked.name] = ListEvidence(rank=rank, score=score)
    for ranked in lists:
        if ranked.floor is None:
            continue
        for rank, (doc_id, score) in enumerate(ranked.entries, start=1):
            hit = fused.get(doc_id)
            if hit is not None and ranked.name not in hit.evidence:
                hit.evidence[ranked.name] = ListEvidence(rank=rank, score=score, cleared_floor=False)
    return sorted(fused.values(), key=lambda hit: (-hit.score, hit.id))
