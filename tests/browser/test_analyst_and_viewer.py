"""An analyst reads the zero-result report after planted searches; a viewer meets the limits of the role."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, OpenVisit, Visit

pytestmark = pytest.mark.browser
NONSENSE = "qwxzv unicorn"


def test_zero_result_searches_reach_the_report(open_visit: OpenVisit, live_app: LiveApp) -> None:
    marketer = open_visit()
    marketer.sign_in("contributor")
    for _ in range(2):
        marketer.page.goto("/?q=qwxzv+unicorn")
    # Nothing clears the relevance floors: no rescue by meaning, an honest "0 results" and terms to try.
    expect(marketer.page.locator("#results-heading")).to_have_text(f"0 results for “{NONSENSE}”")
    expect(marketer.page.locator(".notes.rescue")).to_have_count(0)
    expect(marketer.page.locator(".grid .card")).to_have_count(0)
    expect(marketer.page.locator(".suggested a", has_text="lighthouse")).to_have_attribute("href", "/?q=lighthouse")
    marketer.shoot("discover-rescued")
    live_app.services.recorder.flush()

    visit = open_visit()
    page = visit.page
    visit.sign_in("analyst")
    page.click(".sections a:has-text('Analytics')")
    row = page.get_by_role("table", name="Queries whose words matched nothing").locator("tr", has_text=NONSENSE)
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(row.locator("td").nth(3)).to_have_text("0")  # searched twice, rescued by meaning never
    bars = page.locator("svg .chart-bar")
    expect(bars).to_have_count(30)
    assert float(bars.last.get_attribute("height") or 0) > 0
    assert "format=csv" in (page.locator("a:has-text('Download CSV')").get_attribute("href") or "")
    visit.shoot("analytics-zero-results")

    page.click(".tabs a:has-text('Top queries')")
    expect(page.get_by_role("table", name="Top queries")).to_contain_text(NONSENSE)
    expect(page.locator(".stats")).to_contain_text("led to a click")


def test_viewer_sees_no_librarian_tools_or_restricted_assets(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("viewer")
    expect(page.locator(".sections a")).to_have_text(["Discover", "Collections", "Saved searches"])
    expect(page.locator("#bulk-form")).to_have_count(0)  # ticks only add to a collection

    for path in ("/librarian/duplicates", "/analytics/zero-results", "/admin/users"):
        response = page.goto(path)
        assert response is not None and response.status == 403
        expect(page.locator("h1")).to_have_text("Not allowed")
    visit.shoot("forbidden")

    page.goto("/?q=quarterly+revenue")
    expect(page.locator("#results-heading")).to_be_visible()
    assert "Quarterly revenue chart" not in page.locator(".card-title").all_inner_texts()
    response = page.goto("/assets/finance/report.png")
    assert response is not None and response.status == 404

    page.goto("/assets/food/apple.png")
    expect(page.locator("a:has-text('Download original')")).to_be_visible()
    expect(page.locator("a:has-text('Edit metadata')")).to_have_count(0)
    expect(page.locator("#suggestions")).to_have_count(0)
