"""Result sets in the browser: the "why this matched" hint, folded duplicates, nonsense, a phone-width grid.

Run at 390 px (an iPhone 12-15's CSS width), the width at which the result grid used to overflow.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, OpenVisit
from tests.browser.test_hostile_and_layout import assert_fits

pytestmark = pytest.mark.browser
PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SEARCHES = [
    "/?q=harbour",
    "/?q=harbour&mode=semantic",
    "/?q=qwxzv",
    "/?q=seashore&mode=keyword",
    "/?q=Unbrokenwordwithoutanyspaces&size=100",
    "/?taxonomy=Places%2FCoast&tag=boat&q=harbour+boat+sea+dawn+fishing",
]


@pytest.mark.parametrize("user", ["viewer", "admin"])
def test_results_fit_a_390px_phone(open_visit: OpenVisit, user: str) -> None:
    visit = open_visit(**PHONE_390)
    visit.sign_in(user)
    for path in SEARCHES:
        visit.page.goto(path)
        expect(visit.page.locator("#results-heading")).to_be_visible()
        assert_fits(visit.page)
    visit.shoot(f"results-phone-{user}")


def test_cards_say_why_they_matched(open_visit: OpenVisit) -> None:
    visit = open_visit()
    visit.sign_in("viewer")
    visit.page.goto("/?q=lighthouse")
    card = visit.page.locator(".card", has_text="Lighthouse on the cliff").first
    expect(card.locator(".why")).to_contain_text("Matched “lighthouse” in title")
    visit.shoot("results-why")


def test_nonsense_says_no_results(open_visit: OpenVisit) -> None:
    visit = open_visit()
    visit.sign_in("viewer")
    visit.page.goto("/?q=qwxzv")
    expect(visit.page.locator("#results-heading")).to_have_text("0 results for “qwxzv”")
    expect(visit.page.locator(".card")).to_have_count(0)


def test_duplicates_fold_into_one_card_that_expands(open_visit: OpenVisit, live_app: LiveApp) -> None:
    live_app.services.duplicates.refresh()
    visit = open_visit()
    visit.sign_in("admin")
    visit.page.goto("/?q=harbour")
    expect(visit.page.locator(".folded")).to_contain_text("1 duplicate copy folded into their cards.")
    card = visit.page.locator(".card", has_text="Harbour at dawn").first
    copies = card.locator("details.copies")
    expect(copies.locator("summary")).to_contain_text("+1 copy")
    expect(copies.get_by_role("link", name="Harbour at dawn (copy)")).to_be_hidden()
    copies.locator("summary").click()
    expect(copies.get_by_role("link", name="Harbour at dawn (copy)")).to_be_visible()
    visit.shoot("results-copies")
    visit.page.get_by_role("link", name="Show every copy").click()
    expect(visit.page.locator(".card-title", has_text="Harbour at dawn (copy)")).to_be_visible()
    expect(visit.page.locator("details.copies")).to_have_count(0)
