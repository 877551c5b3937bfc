"""A marketer (contributor) finds an asset: search, facet, open, more like this, search by image."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, Visit
from tests.browser.library import picture_png

pytestmark = pytest.mark.browser

DROP_IMAGE = """async (encoded) => {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
  for (const type of ["dragenter", "dragover", "drop"]) {
    document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}"""
PASTE_IMAGE = """async (encoded) => {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
  document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
}"""


def test_search_facet_open_and_more_like_this(visit: Visit, live_app: LiveApp) -> None:
    page = visit.page
    visit.sign_in("contributor")
    clicks_before = live_app.services.search_log.counts()[1]

    page.fill("#search-q", "sea")
    expect(page.locator("#results-heading")).to_contain_text("for “sea”")
    expect(page).to_have_url(re.compile(r"q=sea"))
    visit.shoot("discover-search")

    page.locator(".facet a", has_text="Coast").first.click()
    expect(page.locator(".chips")).to_contain_text("Category: Places/Coast")
    expect(page).to_have_url(re.compile(r"taxonomy=Places%2FCoast"))
    titles = page.locator(".grid .card-title").all_inner_texts()
    assert "Pine forest" not in titles and "Lighthouse on the cliff" in titles

    page.locator(".card-link", has_text="Lighthouse on the cliff").click()
    expect(page.locator("#asset-title")).to_have_text("Lighthouse on the cliff")
    facts = page.locator("#asset-facts")
    expect(facts).to_contain_text("Fujifilm")
    expect(facts).to_contain_text("Where the metadata came from")
    expect(page.locator(".preview img")).to_have_attribute("alt", "Lighthouse on the cliff")
    expect(page.locator("#similar .card").first).to_be_visible()
    visit.shoot("asset")

    live_app.services.recorder.flush()
    assert live_app.services.search_log.counts()[1] == clicks_before + 1

    page.locator("#similar .more-like").first.click()
    expect(page.locator("h1")).to_have_text("More like this")
    expect(page.locator(".grid .card").first).to_be_visible()


def test_search_by_uploaded_dropped_or_pasted_image(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("contributor")
    upload = picture_png("apple")

    page.set_input_files("#image-file", files=[{"name": "apple.png", "mimeType": "image/png", "buffer": upload}])
    expect(page.locator("#results-heading")).to_contain_text("similar to apple.png")
    expect(page.locator(".grid .card-title").first).to_have_text("Red apple")
    visit.shoot("image-results")

    page.goto("/")
    page.evaluate(DROP_IMAGE, base64.b64encode(picture_png("lighthouse")).decode())
    expect(page.locator("#results-heading")).to_contain_text("similar to dropped.png")
    expect(page.locator(".grid .card-title").first).to_have_text("Lighthouse on the cliff")

    page.goto("/")
    page.focus("#search-q")
    # Not the forest: the librarian's bulk edit makes it a draft, which its group no longer sees.
    page.evaluate(PASTE_IMAGE, base64.b64encode(picture_png("sunset")).decode())
    expect(page.locator("#results-heading")).to_contain_text("similar to pasted.png")
    expect(page.locator(".grid .card-title").first).to_contain_text("Sunset over the")
    expect(page.locator("#search-q")).to_have_value("")


def test_arrow_keys_move_between_cards(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("contributor")
    page.goto("/?collapse=none")  # every asset its own card, so a second row sits below the first's second card
    links = page.locator(".grid .card-link")
    first_row_top = links.first.bounding_box()["y"]  # type: ignore[index]
    columns = sum(1 for box in (link.bounding_box() for link in links.all()) if box and box["y"] == first_row_top)

    links.nth(0).focus()
    page.keyboard.press("ArrowRight")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1 + columns)).to_be_focused()
    page.keyboard.press("Home")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("End")
    expect(links.last).to_be_focused()
