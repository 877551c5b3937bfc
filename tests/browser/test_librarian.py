"""A librarian resolves a planted exact duplicate, accepts a tag suggestion, edits inline and
bulk-edits from the results, and each change shows in search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def test_resolve_an_exact_duplicate_cluster(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("librarian")
    expect(page.locator(".sections")).to_contain_text("Librarian")
    page.click(".sections a:has-text('Librarian')")
    page.click(".tabs a:has-text('Duplicates')")
    page.click("button:has-text('Scan for duplicates')")
    expect(page.locator(".notice")).to_have_text("Duplicate scan finished.")

    cluster = page.locator(".cluster").filter(has_text="Harbour at dawn (copy)")
    expect(cluster.locator(".compare thead th")).to_have_count(2)
    visit.shoot("librarian-duplicates")
    cluster.get_by_label("Keep Harbour at dawn", exact=True).check()
    cluster.locator("button:has-text('Keep selected, retire the others')").click()
    expect(page.locator(".notice")).to_contain_text("Kept the chosen asset")
    expect(page.locator(".cluster").filter(has_text="Harbour at dawn (copy)")).to_have_count(0)

    page.goto("/?q=harbour&mode=keyword&status=retired")
    expect(page.locator(".grid .card-title")).to_have_text(["Harbour at dawn (copy)"])


def test_accept_a_tag_suggestion_and_edit_inline(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("librarian")
    page.goto("/?q=lighthouse&mode=keyword")
    page.locator(".card-link", has_text="Lighthouse on the cliff").click()

    suggestion = page.locator("#suggestions li").filter(has=page.locator(".term", has_text=re.compile("^lighthouse$")))
    visit.shoot("asset-librarian")
    suggestion.locator("button[value='accepted']").click()
    expect(page.locator("#suggestions .term", has_text=re.compile("^lighthouse$"))).to_have_count(0)
    expect(page.locator("#asset-facts a", has_text="lighthouse")).to_be_visible()

    page.goto("/?q=beacon&mode=keyword")
    expect(page.locator(".grid .card-title")).to_have_text(["Lighthouse on the cliff"])

    page.goto("/assets/coast/sunset.png")
    page.click("#asset-facts a:has-text('Edit metadata')")
    expect(page.locator("#edit-title")).to_be_focused()
    page.fill("#edit-title", "Sunset over the calm sea")
    page.click("#asset-facts button:has-text('Save')")
    expect(page.locator("#asset-title")).to_have_text("Sunset over the calm sea")
    expect(page.locator("#asset-facts")).to_contain_text("Sunset over the calm sea")

    page.goto("/?q=calm+sunset&mode=keyword")
    expect(page.locator(".grid .card-title").first).to_have_text("Sunset over the calm sea")


def test_bulk_edit_a_selection(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("librarian")
    page.goto("/?q=forest&mode=keyword")
    page.get_by_label("Select Pine forest").check()
    page.click("summary:has-text('Bulk edit selected results')")
    page.fill("#bulk-add", "campaign-2025, autumn")
    page.select_option("#bulk-status", "draft")
    page.click("#bulk-form button:has-text('Apply to selected')")
    expect(page.locator("h2", has_text="Updated")).to_contain_text("(1)")
    page.click("a:has-text('Back to the search')")
    expect(page).to_have_url(re.compile(r"q=forest"))

    page.goto("/?tag=campaign-2025&tag=autumn&status=draft")
    expect(page.locator(".grid .card-title")).to_have_text(["Pine forest"])
