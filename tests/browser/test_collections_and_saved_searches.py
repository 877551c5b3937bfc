"""A marketer keeps a lightbox and a saved search: tick, add, rename, download the ZIP; save, see "1 new", run."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from loupe_core.schema import Asset
from tests.browser.conftest import LiveApp, Visit
from tests.browser.library import EVERYONE

pytestmark = pytest.mark.browser


def test_add_results_to_a_collection_and_download_it(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("contributor")
    page.goto("/?q=lighthouse&mode=keyword")
    page.get_by_label("Select Lighthouse on the cliff").check()
    page.select_option("#collect-pick", "new")
    page.click("#collect-form button:has-text('Add to collection')")

    expect(page).to_have_url(re.compile(r"/collections/[\w-]+$"))
    expect(page.locator("#visible-count")).to_have_text("1 item")
    expect(page.locator(".grid .card-title")).to_have_text(["Lighthouse on the cliff"])
    page.fill("#collection-name", "Coast picks")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_have_text("Coast picks")
    visit.shoot("collection")

    with page.expect_download() as download_info:
        page.click("a:has-text('Download ZIP')")
    download = download_info.value
    assert download.suggested_filename == "Coast picks.zip"
    archive = zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))
    files = [name for name in archive.namelist() if name != "manifest.csv"]
    assert len(files) == 1 and files[0].endswith(".png")
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    assert [(row["title"], row["file"], row["result"]) for row in manifest] == [
        ("Lighthouse on the cliff", files[0], "included")
    ]


def test_save_a_search_and_see_what_is_new(visit: Visit, live_app: LiveApp) -> None:
    page = visit.page
    visit.sign_in("contributor")
    page.goto("/?q=lantern")
    page.click("summary:has-text('Save this search')")
    page.fill("#saved-search-name", "Lanterns")
    page.click("button:has-text('Save search')")
    expect(page).to_have_url(re.compile(r"/saved-searches$"))
    row = page.locator("tr", has_text="Lanterns")
    expect(row).to_contain_text("nothing new")

    new = Asset(id="new/lantern", title="Paper lantern at dusk", groups=EVERYONE, indexed_at=datetime.now(UTC))
    assert not live_app.services.store.upsert([new]).failures
    live_app.services.store.refresh()
    page.reload()
    expect(row.locator(".new-results")).to_have_text("1 new")
    visit.shoot("saved-searches")

    row.locator("button:has-text('Run')").click()
    expect(page).to_have_url(re.compile(r"/\?q=lantern$"))
    expect(page.locator(".grid .card-title")).to_contain_text(["Paper lantern at dusk"])
    page.goto("/saved-searches")
    expect(page.locator("tr", has_text="Lanterns")).to_contain_text("nothing new")
