"""The site's sections and their tabs, filtered by what the signed-in role may use.

Hiding a link is a courtesy, not a control: every route still declares its permission and
answers 403 when opened directly. One table serves the header and the tabs so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.accounts.permissions import Permission, may
from loupe_core.principal import Principal


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    permission: Permission
    hidden_with: Permission | None = None
    """Leave the link out when the role also has this (a librarian's audit log lives under Admin for admins)."""
    within: tuple[str, ...] = ()
    """Path prefixes where this link is the current one (defaults to its own href)."""

    def shown_to(self, principal: Principal) -> bool:
        return may(principal, self.permission) and not (self.hidden_with and may(principal, self.hidden_with))

    def is_current(self, path: str) -> bool:
        return path == self.href or path.startswith(self.within or (self.href,))


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


SECTIONS: tuple[Link, ...] = (
    Link("Discover", "/", Permission.search, within=("/assets/", "/search/")),
    Link("Collections", "/collections", Permission.search, within=("/collections",)),
    Link("Saved searches", "/saved-searches", Permission.search),
    Link("Upload", "/upload", Permission.upload),
    Link("Librarian", "/librarian/incomplete", Permission.librarian_reports, within=("/librarian/",)),
    Link("Analytics", "/analytics/zero-results", Permission.analytics, within=("/analytics/",)),
    Link("Audit log", "/admin/audit", Permission.audit, hidden_with=Permission.admin),
    Link("Admin", "/admin/users", Permission.admin, within=("/admin/",)),
)

TABS: dict[str, tuple[Link, ...]] = {
    "librarian": (
        Link("Incomplete metadata", "/librarian/incomplete", Permission.librarian_reports),
        Link("Approvals", "/librarian/approvals", Permission.librarian_reports),
        Link("Duplicates", "/librarian/duplicates", Permission.librarian_reports),
        Link("Conflicts", "/librarian/conflicts", Permission.librarian_reports),
        Link("Licences", "/librarian/licences", Permission.librarian_reports),
        Link("Vocabulary", "/librarian/vocabulary", Permission.librarian_reports),
        Link("Curated results", "/librarian/rules", Permission.librarian_reports),
        Link("Retirement", "/librarian/retirement", Permission.librarian_reports),
    ),
    "analytics": (
        Link("Zero-result queries", "/analytics/zero-results", Permission.analytics),
        Link("Top queries", "/analytics/top-queries", Permission.analytics),
        Link("No-click queries", "/analytics/no-click-queries", Permission.analytics),
        Link("Usage", "/analytics/usage", Permission.analytics),
        Link("Curated results", "/analytics/rules", Permission.analytics),
    ),
    "admin": (
        Link("Users", "/admin/users", Permission.admin),
        Link("Groups", "/admin/groups", Permission.admin),
        Link("API keys", "/admin/keys", Permission.admin),
        Link("Audit log", "/admin/audit", Permission.audit),
    ),
}


def _links(links: tuple[Link, ...], principal: Principal | None, path: str) -> list[NavItem]:
    if principal is None:
        return []
    return [NavItem(link.label, link.href, link.is_current(path)) for link in links if link.shown_to(principal)]


def header_links(principal: Principal | None, path: str) -> list[NavItem]:
    """The sections this role may open; the one holding `path` is marked current."""
    return _links(SECTIONS, principal, path)


def section_tabs(principal: Principal | None, path: str) -> list[NavItem]:
    """Tabs of the section `path` belongs to (none on discover and asset pages)."""
    return _links(TABS.get(path.strip("/").split("/", 1)[0], ()), principal, path)
