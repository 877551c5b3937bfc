"""Notices by audience, in the browser, on a server whose CLIP model is switched off.

An admin reads the operational notice (what is missing, which setting fixes it); a guest reads
nothing about configuration, and only a plain sentence when a feature they tried is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.accounts_fixture import PASSWORD, seed_role_users
from tests.browser.library import EVERYONE, build_library, picture_png
from tests.browser.server import serving
from web.app import create_app

pytestmark = pytest.mark.browser
CONFIGURATION = "LOUPE_CLIP_MODEL"


@pytest.fixture(scope="module")
def without_clip(tmp_path_factory: pytest.TempPathFactory, encoders: Encoders) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("no-clip")
    settings = Settings(
        data_dir=data_dir,
        library_roots=[data_dir / "originals"],
        clip_model="",
        anonymous_role="viewer",
        anonymous_groups=EVERYONE,
    )
    store = open_store(settings)
    assert not store.upsert(build_library(settings, encoders)).failures
    app = create_app(settings, store=store, encoders=Encoders("", encoders.text_spec, "cpu"))
    with serving(app) as url:  # the server's lifespan opens the services
        seed_role_users(app.state.services.accounts, with_passwords=True)
        yield url
    store.close()


@contextmanager
def page_for(chromium: Browser, url: str) -> Iterator[Page]:
    context = chromium.new_context(base_url=url)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_an_admin_reads_the_operational_notice(chromium: Browser, without_clip: str) -> None:
    with page_for(chromium, without_clip) as page:
        page.goto("/login")
        page.fill("#login-username", "admin")
        page.fill("#login-password", PASSWORD)
        page.click("button:has-text('Sign in')")
        page.goto("/?q=lighthouse")
        expect(page.get_by_role("list", name="Server notices")).to_contain_text(CONFIGURATION)


def test_a_guest_reads_only_plain_sentences(chromium: Browser, without_clip: str) -> None:
    with page_for(chromium, without_clip) as page:
        page.goto("/?q=lighthouse")
        expect(page.locator(".card-title", has_text="Lighthouse on the cliff")).to_be_visible()
        assert page.locator(".notices").count() == 0 and CONFIGURATION not in page.content()
        page.set_input_files("#image-file", files=[{"name": "q.png", "mimeType": "image/png",
                                                   "buffer": picture_png("lighthouse")}])  # fmt: skip
        expect(page.locator("body")).to_contain_text("Search by image isn't available on this server.")
        assert CONFIGURATION not in page.content()
