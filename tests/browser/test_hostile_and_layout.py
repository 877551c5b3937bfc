"""Hostile metadata renders as text, and the layout holds: on a desktop, a phone, and in dark mode.

A planted `<script>` or quote-breaking attribute that ran would open a dialog (the visit fixture
fails the test on any dialog or CSP violation); long titles must wrap instead of widening the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, OpenVisit
from tests.browser.library import HOSTILE_TITLE, QUOTE_BREAKER, RTL_TITLE

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getClientRects().length && !el.closest(".table-scroll, .visually-hidden"))
    .filter((el) => el.getBoundingClientRect().right > width + 1);
  const shown = wide.slice(0, 5).map((el) => el.outerHTML.slice(0, 120));
  return { scroll: document.documentElement.scrollWidth, width, wide: shown };
}"""


def assert_fits(page: Page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["width"], found
    assert not found["wide"], found


@pytest.mark.parametrize(
    ("name", "options"),
    [("desktop", {}), ("phone", {"viewport": PHONE, "is_mobile": True}), ("dark", {"color_scheme": "dark"})],
)
def test_hostile_metadata_is_text_and_the_layout_holds(open_visit: OpenVisit, name: str, options: dict) -> None:
    visit = open_visit(**options)
    page = visit.page
    visit.sign_in("admin")
    page.goto("/?size=100&collapse=none")  # every asset its own card: the planted frames are visual duplicates
    expect(page.locator(".card-title", has_text=HOSTILE_TITLE)).to_have_text(HOSTILE_TITLE)
    expect(page.locator(".card-title", has_text=RTL_TITLE)).to_have_attribute("dir", "auto")
    assert page.locator("[onmouseover]").count() == 0
    assert_fits(page)
    visit.shoot(f"discover-{name}")

    page.locator(".card-link", has_text=HOSTILE_TITLE).click()
    expect(page.locator("#asset-title")).to_have_text(HOSTILE_TITLE)
    expect(page.locator("#asset-facts")).to_contain_text(QUOTE_BREAKER)
    assert_fits(page)

    page.goto("/assets/hostile/long.png")
    assert_fits(page)
    assert visit.dialogs == []


STAFF_PAGES = [
    ("librarian-incomplete", "/librarian/incomplete"),
    ("librarian-licences", "/librarian/licences"),
    ("librarian-vocabulary", "/librarian/vocabulary"),
    ("analytics-top-queries", "/analytics/top-queries"),
    ("admin-users", "/admin/users"),
    ("admin-keys", "/admin/keys"),
    ("admin-audit", "/admin/audit"),
    ("asset-edit", "/assets/coast/harbour.png/edit"),
    ("asset-staff", "/assets/coast/lighthouse.png"),
]


@pytest.mark.parametrize(("width", "suffix"), [(1280, ""), (375, "-phone")])
def test_staff_pages_fit_the_screen(open_visit: OpenVisit, live_app: LiveApp, width: int, suffix: str) -> None:
    """Includes an asset page whose lazily loaded panels (duplicates, suggestions) list long titles."""
    live_app.services.duplicates.refresh()
    visit = open_visit(viewport={"width": width, "height": 800})
    visit.sign_in("admin")
    for name, path in STAFF_PAGES:
        response = visit.page.goto(path)
        assert response is not None and response.status == 200, path
        visit.page.wait_for_load_state("networkidle")
        assert_fits(visit.page)
        visit.shoot(name + suffix)
