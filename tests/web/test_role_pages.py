"""Who may open which page: every role against every page, plus the links each role is shown.

Hidden links are a courtesy; the table proves the server refuses on its own (403 page), and
that signed-out browsers are sent to the login form instead.
"""

from __future__ import annotations

import pytest

from loupe_core.principal import Role
from tests.web.conftest import Roles

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.admin, Role.librarian})
ANALYSTS = STAFF | {Role.analyst}
EDITORS = STAFF | {Role.contributor}

PAGES: dict[str, frozenset[Role]] = {
    "/": EVERYONE,
    "/?q=harbour": EVERYONE,
    "/assets/wf/original": EVERYONE,
    "/assets/wf/original/similar": EVERYONE,
    "/assets/wf/camera-name/edit": EDITORS,
    "/assets/wf/camera-name/suggestions": EDITORS,
    "/assets/wf/original/duplicates": STAFF,
    "/librarian/incomplete": STAFF,
    "/librarian/duplicates": STAFF,
    "/librarian/licences": STAFF,
    "/librarian/vocabulary": STAFF,
    "/analytics/zero-results": ANALYSTS,
    "/analytics/top-queries": ANALYSTS,
    "/analytics/no-click-queries": ANALYSTS,
    "/admin/users": frozenset({Role.admin}),
    "/admin/groups": frozenset({Role.admin}),
    "/admin/keys": frozenset({Role.admin}),
    "/admin/audit": STAFF,
}
CASES = [(url, role, 200 if role in allowed else 403) for url, allowed in PAGES.items() for role in Role]


@pytest.mark.parametrize(("url", "role", "status"), CASES, ids=[f"{role.value} {url}" for url, role, _ in CASES])
def test_role_may_open_page(roles: Roles, url: str, role: Role, status: int) -> None:
    response = roles.client.get(url, headers=roles.headers[role])

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    if status == 403:
        assert "Not allowed" in response.text and "<html" in response.text


def test_other_peoples_assets_are_not_found_not_forbidden(roles: Roles) -> None:
    """The finance-only asset is invisible to a viewer in another group: its page is a plain 404."""
    for url in ("/assets/wf/finance", "/assets/wf/finance/edit", "/assets/wf/finance/similar"):
        assert roles.client.get(url, headers=roles.headers[Role.viewer]).status_code == 404
    assert roles.client.get("/assets/wf/finance", headers=roles.headers[Role.librarian]).status_code == 200


@pytest.mark.parametrize("url", ["/librarian/incomplete", "/admin/users", "/analytics/zero-results", "/assets/x"])
def test_signed_out_browsers_go_to_the_login_form(roles: Roles, url: str) -> None:
    response = roles.client.get(url)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


SECTIONS = {
    Role.admin: ["Discover", "Upload", "Librarian", "Analytics", "Admin"],
    Role.librarian: ["Discover", "Upload", "Librarian", "Analytics", "Audit log"],
    Role.analyst: ["Discover", "Analytics"],
    Role.contributor: ["Discover", "Upload"],
    Role.viewer: ["Discover"],
}


@pytest.mark.parametrize("role", list(Role))
def test_header_shows_only_the_sections_a_role_may_use(roles: Roles, role: Role) -> None:
    html = roles.client.get("/", headers=roles.headers[role]).text
    nav = html.split('<nav class="sections"', 1)[1].split("</nav>", 1)[0]

    labels = ("Discover", "Upload", "Librarian", "Analytics", "Audit log", "Admin")
    shown = [label for label in labels if f">{label}</a>" in nav]
    assert shown == SECTIONS[role]
    assert f"Signed in as <strong>{role.value}</strong>" in html


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (Role.librarian, ('form="bulk-form"', 'id="bulk-form"'), ('id="collect-form"',)),
        (Role.contributor, ('form="collect-form"', 'id="collect-form"'), ('form="bulk-form"', 'id="bulk-form"')),
        (Role.viewer, ('form="collect-form"', 'id="collect-form"'), ('form="bulk-form"', 'id="bulk-form"')),
    ],
)
def test_bulk_selection_only_for_librarians(
    roles: Roles, role: Role, present: tuple[str, ...], absent: tuple[str, ...]
) -> None:
    html = roles.client.get("/?q=harbour", headers=roles.headers[role]).text

    assert all(fragment in html for fragment in present)
    assert not any(fragment in html for fragment in absent)


@pytest.mark.parametrize(
    ("role", "asset", "editable"),
    [
        (Role.librarian, "wf/original", True),
        (Role.contributor, "wf/camera-name", True),
        (Role.contributor, "wf/original", False),
        (Role.viewer, "wf/original", False),
    ],
)
def test_edit_and_suggestions_only_for_those_who_may_edit(roles: Roles, role: Role, asset: str, editable: bool) -> None:
    html = roles.client.get(f"/assets/{asset}", headers=roles.headers[role]).text

    assert ("Edit metadata" in html) is editable
    assert ('id="suggestions"' in html) is editable
    assert ('id="duplicates"' in html) is (role is Role.librarian)
    assert "Download original" not in html  # these assets have no original file on disk
