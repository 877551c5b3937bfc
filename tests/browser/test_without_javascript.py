"""Progressive enhancement: with JavaScript off, signing in, searching, filtering, opening an
asset and searching by an uploaded image all still work as plain links and forms."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenVisit
from tests.browser.library import picture_png

pytestmark = pytest.mark.browser


def test_core_journeys_work_without_javascript(open_visit: OpenVisit) -> None:
    visit = open_visit(java_script_enabled=False)
    page = visit.page
    visit.sign_in("contributor")

    page.fill("#search-q", "apple")
    page.press("#search-q", "Enter")
    expect(page).to_have_url(re.compile(r"q=apple"))
    expect(page.locator("#results-heading")).to_contain_text("for “apple”")

    page.locator(".facet a", has_text="Fruit").first.click()
    expect(page.locator(".chips")).to_contain_text("Category: Food/Fruit")

    page.locator(".card-link", has_text="Red apple").click()
    expect(page.locator("#asset-title")).to_have_text("Red apple")
    page.click("a:has-text('Show similar assets')")
    expect(page.locator("h1")).to_have_text("More like this")

    page.goto("/")
    page.set_input_files(
        "#image-file", files=[{"name": "a.png", "mimeType": "image/png", "buffer": picture_png("apple")}]
    )
    page.click("button:has-text('Find similar')")
    expect(page.locator("#results-heading")).to_contain_text("similar to a.png")
    expect(page.locator(".grid .card-title").first).to_have_text("Red apple")
