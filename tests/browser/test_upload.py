"""A contributor uploads two files, one already in the library; a librarian approves the other; a viewer
of the contributor's group then finds it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from loupe_core.principal import Role
from tests.accounts_fixture import PASSWORD
from tests.browser.conftest import LiveApp, OpenVisit
from tests.browser.library import picture_png

pytestmark = pytest.mark.browser
TITLE = "Tide pools at low water"


def fresh_jpeg(path: Path) -> Path:
    blocks = np.random.default_rng(16).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    Image.fromarray(blocks).resize((320, 240), Image.Resampling.BICUBIC).save(path, "JPEG")
    return path


def test_upload_one_new_file_and_one_duplicate_then_approve_and_find_it(
    open_visit: OpenVisit, live_app: LiveApp, tmp_path: Path
) -> None:
    accounts = live_app.services.accounts
    if "mia" not in {u.id for u in accounts.users()}:
        accounts.add_user("mia", Role.viewer, ["marketing"], PASSWORD, actor="test")
    duplicate = tmp_path / "lighthouse-again.png"
    duplicate.write_bytes(picture_png("lighthouse"))

    contributor = open_visit()
    contributor.sign_in("contributor")
    page = contributor.page
    page.click(".sections a:has-text('Upload')")
    page.set_input_files("#upload-files", [str(fresh_jpeg(tmp_path / "tide-pools.jpg")), str(duplicate)])
    page.fill("#upload-title", TITLE)
    page.fill("#upload-tags", "coast, rocks")
    page.click("#upload-form button[type=submit]")

    items = page.locator(".upload-queue .upload-item")
    expect(items).to_have_count(2)
    expect(items.locator(".upload-result li")).to_have_count(2)
    expect(items.locator("progress")).to_have_count(2)
    for value in items.locator("progress").evaluate_all("bars => bars.map(b => b.value)"):
        assert value == 100
    accepted = items.filter(has_text="tide-pools.jpg")
    expect(accepted.locator(".upload-result")).to_contain_text("Uploaded as a draft, waiting for approval")
    draft_link = accepted.locator(".upload-result a", has_text=TITLE)
    refused = items.filter(has_text="lighthouse-again.png")
    expect(refused.locator(".upload-result")).to_contain_text("Already in the library")
    expect(refused.locator("a.existing")).to_have_attribute("href", "/assets/coast/lighthouse.png")
    expect(refused.locator("a.existing")).to_have_text("Lighthouse on the cliff")
    contributor.shoot("upload")
    draft_url = draft_link.get_attribute("href")
    assert draft_url is not None and draft_url.startswith("/assets/upload-")

    viewer = open_visit()
    viewer.sign_in("mia")
    viewer.page.goto(f"/?q={TITLE.replace(' ', '+')}&mode=keyword")
    expect(viewer.page.locator(".grid .card-title", has_text=TITLE)).to_have_count(0)  # a draft: not for the group yet

    librarian = open_visit()
    librarian.sign_in("librarian")
    librarian.page.click(".sections a:has-text('Librarian')")
    librarian.page.click(".tabs a:has-text('Approvals')")
    row = librarian.page.locator("table.approvals tbody tr", has_text=TITLE)
    expect(row).to_contain_text("contributor")
    librarian.shoot("approvals")
    row.locator("button:has-text('Approve')").click()
    expect(librarian.page.locator(".notice")).to_contain_text("Approved")
    expect(librarian.page.locator("table.approvals tbody tr", has_text=TITLE)).to_have_count(0)

    viewer.page.goto(f"/?q={TITLE.replace(' ', '+')}&mode=keyword")
    expect(viewer.page.locator(".grid .card-title").first).to_have_text(TITLE)
    viewer.page.locator(".card-link", has_text=TITLE).click()
    expect(viewer.page).to_have_url(live_app.url + draft_url)
