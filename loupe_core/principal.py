"""Who is asking: the identity every query carries so that stores filter by visibility.

Stores compile `Principal.visibility()` into the query itself (never post-filter), so hits,
facet counts and k-NN neighbours all agree on what a caller may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    librarian = "librarian"
    contributor = "contributor"
    analyst = "analyst"
    viewer = "viewer"


_SEES_EVERYTHING = frozenset({Role.admin, Role.librarian})


@dataclass(frozen=True)
class Visibility:
    """The visibility rule, stated once as data; `allows` is its meaning.

    Each backend translates this record into its own language (SQL in
    `store/embedded/filters.py`, NumPy masks in `store/embedded/columns.py`, query DSL in
    `store/opensearch/filters.py`) and a property test checks every translation against
    `allows` on drawn principals, assets, statuses and licence dates.
    """

    unrestricted: bool
    owner: str | None = None
    """Assets owned by this user are visible (None: owning grants nothing)."""
    groups: frozenset[str] = frozenset()
    """Assets sharing any of these groups are visible."""
    hidden_statuses: frozenset[str] = frozenset()
    """Assets in these statuses are hidden, whoever owns them."""
    owner_only_statuses: frozenset[str] = frozenset()
    """Assets in these statuses are visible through ownership only: sharing a group does not reach them
    (an upload waiting for approval is its owner's, not yet its groups')."""

    def allows(self, owner: str | None, groups: Iterable[str], status: str) -> bool:
        if self.unrestricted:
            return True
        by_owner = self.owner is not None and owner == self.owner
        by_group = not self.groups.isdisjoint(groups) and status not in self.owner_only_statuses
        return (by_owner or by_group) and status not in self.hidden_statuses


GUEST_ID = "(guest)"
"""Who guests are (LOUPE_ANONYMOUS_ROLE): no user name can take it (user names start with a letter
or a digit), and guests own nothing, so no asset's `owner`, whatever it reads, makes it a guest's."""


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    groups: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def guest(cls, role: Role, groups: Iterable[str]) -> Principal:
        return cls(user_id=GUEST_ID, role=role, groups=frozenset(groups))

    @property
    def is_guest(self) -> bool:
        return self.user_id == GUEST_ID

    @property
    def sees_everything(self) -> bool:
        return self.role in _SEES_EVERYTHING

    def visibility(self) -> Visibility:
        if self.sees_everything:
            return Visibility(unrestricted=True)
        return Visibility(
            unrestricted=False,
            owner=None if self.is_guest else self.user_id,
            groups=self.groups,
            hidden_statuses=frozenset({"archived", "retired"}),
            owner_only_statuses=frozenset({"draft"}),
        )


SYSTEM = Principal(user_id="system", role=Role.admin)
"""Internal callers (indexer, reports run by the service itself)."""
