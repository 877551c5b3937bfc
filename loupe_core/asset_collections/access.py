"""Who may do what with one collection: stated once, for the API, the pages and the search filter.

The owner (and an admin) manage it; groups it is shared with view it or, as editors, change its
contents and description. Nobody else learns it exists. None of this widens what anyone sees of
the *assets*: each item is still shown only to those `Principal.visibility()` allows.
"""

from __future__ import annotations

from enum import IntEnum

from loupe_core.asset_collections.store import Collection, ShareRole
from loupe_core.principal import Principal, Role


class Access(IntEnum):
    """Ordered, so `access >= Access.editor` reads as "may edit"."""

    viewer = 1
    editor = 2
    owner = 3


def access_of(collection: Collection, principal: Principal) -> Access | None:
    if principal.role is Role.admin or (not principal.is_guest and collection.owner == principal.user_id):
        return Access.owner
    roles = {collection.shares[group] for group in principal.groups if group in collection.shares}
    if ShareRole.editor in roles:
        return Access.editor
    return Access.viewer if roles else None
