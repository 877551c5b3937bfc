"""Who is asking: the identity every query carries so that stores filter by visibility.

Stores compile `Principal.visibility()` into the query itself (never post-filter), so hits,
facet counts and k-NN neighbours all agree on what a caller may see.
"""

from __future__ import annotations

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
    """Backend-neutral permission filter: an asset is visible when any clause matches.

    `unrestricted` short-circuits everything; otherwise an asset is visible when its owner is
    `owner` or it shares a group with `groups`. `hidden_statuses` are removed regardless.
    """

    unrestricted: bool
    owner: str | None = None
    groups: frozenset[str] = frozenset()
    hidden_statuses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return self.role in _SEES_EVERYTHING

    def visibility(self) -> Visibility:
        if self.sees_everything:
            return Visibility(unrestricted=True)
        return Visibility(
            unrestricted=False,
            owner=self.user_id,
            groups=self.groups,
            hidden_statuses=frozenset({"archived", "retired"}),
        )


SYSTEM = Principal(user_id="system", role=Role.admin)
"""Internal callers (indexer, reports run by the service itself)."""
