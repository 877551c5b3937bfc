"""Folds duplicate clusters inside a ranked result set, shared by both backends.

Only members already in the result set take part (the store has applied the caller's
permissions and the query), so a fold can never reveal an asset the caller cannot see. The
shown member is the cluster's suggested keeper when it is in the set, else its best-placed
member. In a ranking by relevance the card takes the place of the cluster's best-placed member
(a cluster ranks by its best evidence, so folding never pushes a picture down); in a sort by
date or title, the shown member keeps its own place (the sort key is its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loupe_core.query import DuplicateClusters, Query, SortOrder
from loupe_core.store.fusion import FusedHit


@dataclass(frozen=True)
class Folding:
    copies: dict[str, list[str]] = field(default_factory=dict)
    """shown member -> the other members of its cluster in the result set, in result order."""
    slots: dict[str, str] = field(default_factory=dict)
    """best-placed member -> the shown member taking its place (only where the two differ)."""

    @property
    def folded(self) -> set[str]:
        """Members counted out of the result set: every copy."""
        return {copy for copies in self.copies.values() for copy in copies}

    @property
    def hidden(self) -> set[str]:
        """Ids that leave the ordered list: the copies, and shown members moving up to a slot."""
        return (self.folded | set(self.slots.values())) - set(self.slots)

    def apply(self, ordered: Iterable[str]) -> list[str]:
        """The ordered ids with each cluster folded into its card, at its card's place."""
        hidden = self.hidden
        return [self.slots.get(i, i) for i in ordered if i not in hidden]


def fold(members_in_order: Iterable[str], clusters: DuplicateClusters, by_rank: bool) -> Folding:
    """`members_in_order`: the result set's cluster members, in the result's order; `by_rank`:
    the order is a ranking (cards take their cluster's best place) rather than a sort."""
    groups: dict[str, list[str]] = {}
    for member in members_in_order:
        keeper = clusters.keeper_of.get(member)
        if keeper is not None:
            groups.setdefault(keeper, []).append(member)
    copies: dict[str, list[str]] = {}
    slots: dict[str, str] = {}
    for keeper, members in groups.items():
        if len(members) < 2:
            continue
        shown = keeper if keeper in members else members[0]
        copies[shown] = [m for m in members if m != shown]
        if by_rank and shown != members[0]:
            slots[members[0]] = shown
    return Folding(copies, slots)


def fold_hits(fused: list[FusedHit], query: Query) -> tuple[list[FusedHit], Folding]:
    """A fused ranking with its clusters folded (unchanged when the query does not collapse).
    A card moved up to its cluster's best place takes that place's fused score."""
    if query.collapse is None:
        return fused, Folding()
    folding = fold((hit.id for hit in fused), query.collapse, by_rank=query.sort is SortOrder.relevance)
    by_id = {hit.id: hit for hit in fused}
    placed = []
    for hit in fused:
        if hit.id in folding.slots:
            shown = by_id[folding.slots[hit.id]]
            placed.append(FusedHit(shown.id, hit.score, shown.evidence))
        elif hit.id not in folding.hidden:
            placed.append(hit)
    return placed, folding
