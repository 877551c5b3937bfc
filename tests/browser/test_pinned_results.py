"""A librarian pins an asset for a query on the Curated results page; a viewer then sees it first, marked as pinned."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, OpenVisit

pytestmark = pytest.mark.browser


@pytest.fixture
def no_rules_after(live_app: LiveApp) -> Iterator[None]:
    """The app is shared by every browser test: leave no rule behind."""
    yield
    for rule in live_app.services.rule_book.rules():
        live_app.services.rule_book.delete("test", rule.id)


def test_pin_an_asset_and_see_it_first(open_visit: OpenVisit, no_rules_after: None) -> None:
    librarian = open_visit()
    page = librarian.page
    librarian.sign_in("librarian")
    page.click(".sections a:has-text('Librarian')")
    page.click(".tabs a:has-text('Curated results')")
    page.fill("#rule-name", "Apples for the sea")
    page.fill("#rule-query", "sea")
    page.fill("#rule-pins", "1 food/apple.png")
    page.click("button:has-text('Add rule')")
    expect(page.locator(".notice")).to_have_text("Curation rule saved; searches use it at once.")
    expect(page.locator("table.report")).to_contain_text("food/apple.png at 1")

    viewer = open_visit()
    viewer.sign_in("viewer")
    viewer.page.goto("/?q=sea&mode=keyword")
    first = viewer.page.locator(".grid .card").first
    expect(first.locator(".card-title")).to_have_text("Red apple")
    expect(first.locator(".why")).to_contain_text("Pinned by the librarians for this search")
    titles = viewer.page.locator(".grid .card-title").all_inner_texts()
    assert titles.count("Red apple") == 1 and len(titles) > 1  # the pin is added, the ranked hits follow
