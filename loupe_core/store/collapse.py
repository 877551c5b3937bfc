"""Folds duplicate clusters inside a ranked result set, shared by both backends.

Only members already in the result set take part (the store has applied the caller's
permissions and the query), so a fold can never reveal an asset the caller cannot see. The
shown member is the cluster's suggested keeper when it is in the set, else its best-placed
member; it keeps its own place, so a card's position always belongs to the asset it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loupe_core.query import DuplicateClusters, Query
from loupe_core.store.fusion import FusedHit


@dataclass(frozen=True)
class Folding:
    copies: dict[str, list[str]] = field(default_factory=dict)
    """shown member -> the other members of its cluster in the result set, in result order."""

    @property
    def folded(self) -> set[str]:
        return {copy for copies in self.copies.values() for copy in copies}


def fold(members_in_order: Iterable[str], clusters: DuplicateClusters) -> Folding:
    """`members_in_order`: the result set's cluster members, in the result's order."""
    groups: dict[str, list[str]] = {}
    for member in members_in_order:
        keeper = clusters.keeper_of.get(member)
        if keeper is not None:
            groups.setdefault(keeper, []).append(member)
    copies: dict[str, list[str]] = {}
    for keeper, members in groups.items():
        shown = keeper if keeper in members else members[0]
        copies[shown] = [m for m in members if m != shown]
    return Folding({shown: rest for shown, rest in copies.items() if rest})


def fold_hits(fused: list[FusedHit], query: Query) -> tuple[list[FusedHit], Folding]:
    """A fused ranking with its clusters folded (unchanged when the query does not collapse)."""
    if query.collapse is None:
        return fused, Folding()
    folding = fold((hit.id for hit in fused), query.collapse)
    folded = folding.folded
    return [hit for hit in fused if hit.id not in folded], folding
