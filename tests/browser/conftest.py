"""Browser tests: the real app over a generated library, driven through Debian's Chromium.

Playwright launches /usr/bin/chromium and never downloads a browser. The app runs under
uvicorn in a thread with the real security headers, so every page is checked under the strict
CSP: a CSP violation or an uncaught script error fails the test that caused it. A failing
test leaves a screenshot in `.cache/screenshots/`; `--screenshots DIR` also saves one PNG per
main page visited (to look at the UI): `pytest --screenshots=shots` (or `pytest tests/browser
--screenshots shots`; the option is registered in tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.services import Services
from tests.accounts_fixture import PASSWORD, seed_role_users
from tests.browser.library import VOCABULARY, build_library
from tests.browser.server import serving
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAILURE_SHOTS = Path(__file__).resolve().parents[2] / ".cache" / "screenshots"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test, so the page fixture knows whether to take a failure shot."""
    report: pytest.TestReport = yield
    item.stash[REPORTS] = {**item.stash.get(REPORTS, {}), report.when: report}
    return report


@dataclass(frozen=True)
class LiveApp:
    url: str
    services: Services


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory, encoders: Encoders) -> Iterator[LiveApp]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    data_dir = tmp_path_factory.mktemp("browser-data")
    settings = Settings(data_dir=data_dir, library_roots=[data_dir / "originals"])
    store = open_store(settings)
    report = store.upsert(build_library(settings, encoders))
    assert not report.failures, report.failures
    store.refresh()
    app = create_app(settings, store=store, encoders=encoders)
    with serving(app) as url:  # the server's lifespan opens the services
        services: Services = app.state.services
        seed_role_users(services.accounts, with_passwords=True)
        services.vocabulary.upsert(VOCABULARY)
        yield LiveApp(url, services)
    store.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """One browser context: its page, what went wrong in it, and helpers the personas share."""

    page: Page
    shots: Path | None
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def sign_in(self, user: str) -> None:
        self.page.goto("/login")
        self.page.fill("#login-username", user)
        self.page.fill("#login-password", PASSWORD)
        self.page.click("button:has-text('Sign in')")
        self.page.wait_for_url(re.compile(r".*/$"))

    def shoot(self, name: str) -> None:
        """Saved only with `--screenshots DIR`: the pages worth looking at."""
        if self.shots is not None:
            self.page.screenshot(path=self.shots / f"{name}.png", full_page=True)


def _watch(visit: Visit) -> None:
    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            visit.problems.append(f"CSP: {message.text}")

    def dialog(opened: Dialog) -> None:
        visit.dialogs.append(opened.message)
        visit.problems.append(f"a dialog opened (script ran): {opened.message}")
        opened.dismiss()

    visit.page.on("console", console)
    visit.page.on("pageerror", lambda error: visit.problems.append(f"script error: {error}"))
    visit.page.on("dialog", dialog)


OpenVisit = Callable[..., Visit]


@pytest.fixture
def open_visit(chromium: Browser, live_app: LiveApp, request: pytest.FixtureRequest) -> Iterator[OpenVisit]:
    """Opens browser contexts (options as for `Browser.new_context`); checks and closes them after the test."""
    option = request.config.getoption("screenshots")
    shots = Path(option) if option else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    opened: list[tuple[Any, Visit]] = []

    def open_one(**options: Any) -> Visit:
        context = chromium.new_context(base_url=live_app.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        visit = Visit(context.new_page(), shots)
        _watch(visit)
        opened.append((context, visit))
        return visit

    yield open_one
    reports = request.node.stash.get(REPORTS, {})
    failed = "call" in reports and reports["call"].failed
    for number, (context, visit) in enumerate(opened):
        if failed:
            FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            visit.page.screenshot(path=FAILURE_SHOTS / f"{name}-{number}.png", full_page=True)
        context.close()
    problems = [p for _, visit in opened for p in visit.problems]
    assert not problems, problems


@pytest.fixture
def visit(open_visit: OpenVisit) -> Visit:
    return open_visit()
