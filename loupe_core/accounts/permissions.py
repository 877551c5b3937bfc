"""What each role may do, in one table (the DAM division of work from the permissions issue)."""

from __future__ import annotations

from enum import StrEnum

from loupe_core.principal import Principal, Role


class Permission(StrEnum):
    search = "search"
    download = "download"
    upload = "upload"
    edit_own = "edit_own"
    edit_any = "edit_any"
    librarian_reports = "librarian_reports"
    analytics = "analytics"
    audit = "audit"
    admin = "admin"


_VIEWER = {Permission.search, Permission.download}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.viewer: frozenset(_VIEWER),
    Role.analyst: frozenset(_VIEWER | {Permission.analytics}),
    Role.contributor: frozenset(_VIEWER | {Permission.upload, Permission.edit_own}),
    Role.librarian: frozenset(
        _VIEWER
        | {
            Permission.upload,
            Permission.edit_own,
            Permission.edit_any,
            Permission.librarian_reports,
            Permission.analytics,
            Permission.audit,
        }
    ),
    Role.admin: frozenset(Permission),
}


def may(principal: Principal, permission: Permission) -> bool:
    return permission in GRANTS[principal.role]
