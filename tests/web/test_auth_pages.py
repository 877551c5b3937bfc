"""Sign-in, sign-out, redirects and CSRF through the real web app (no API key on these clients)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from loupe_core.accounts.cookies import SESSION_COOKIE
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from tests.accounts_fixture import PASSWORD, seed_role_users
from web.app import create_app


@pytest.fixture
def browser(web_settings: Settings, library: AssetStore) -> Iterator[TestClient]:
    app = create_app(web_settings, store=library)
    with TestClient(app, follow_redirects=False) as client:
        seed_role_users(app.state.services.accounts, with_passwords=True)
        yield client


def sign_in(client: TestClient, user: str = "viewer", password: str = PASSWORD, next_url: str = "/") -> object:
    return client.post("/login", data={"username": user, "password": password, "next": next_url})


def csrf_of(client: TestClient) -> str:
    page = client.get("/").text
    marker = 'name="csrf_token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_pages_redirect_to_login_and_back(browser: TestClient) -> None:
    response = browser.get("/?q=cat")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Fq%3Dcat"
    signed = sign_in(browser, next_url="/?q=cat")
    assert signed.status_code == 303 and signed.headers["location"] == "/?q=cat"  # type: ignore[attr-defined]
    cookie = signed.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = browser.get("/?q=cat")
    assert page.status_code == 200 and "Signed in as <strong>viewer</strong>" in page.text


def test_htmx_requests_get_hx_redirect(browser: TestClient) -> None:
    response = browser.get("/?q=cat", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/login?next=")


def test_api_without_credentials_is_401_json(browser: TestClient) -> None:
    response = browser.get("/api/search?q=cat")
    assert response.status_code == 401 and response.json()["error"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
    assert browser.get("/healthz").status_code == 200


def test_wrong_password_and_unknown_user_read_the_same(browser: TestClient) -> None:
    wrong = sign_in(browser, password="nope-nope-nope")
    unknown = sign_in(browser, user="ghost")
    assert wrong.status_code == unknown.status_code == 401  # type: ignore[attr-defined]
    assert "Unknown user name or wrong password." in wrong.text  # type: ignore[attr-defined]


def test_open_redirects_are_refused(browser: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil"):
        assert sign_in(browser, next_url=target).headers["location"] == "/"  # type: ignore[attr-defined]


def test_logout_needs_csrf_and_ends_the_session(browser: TestClient) -> None:
    sign_in(browser)
    assert browser.post("/logout").status_code == 403
    token = csrf_of(browser)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 303
    assert browser.get("/").status_code == 303


def test_tampered_or_replayed_session_cookie_is_rejected(browser: TestClient) -> None:
    sign_in(browser)
    cookie = browser.cookies[SESSION_COOKIE]
    token = csrf_of(browser)
    browser.post("/logout", data={"csrf_token": token})
    browser.cookies.clear()
    tampered = cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz")
    browser.cookies.set(SESSION_COOKIE, tampered)
    assert browser.get("/").status_code == 303
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, cookie)
    assert browser.get("/").status_code == 303


def test_cookie_session_writes_via_api_need_csrf(browser: TestClient) -> None:
    sign_in(browser)
    files = {"file": ("a.jpg", b"not an image", "image/jpeg")}
    assert browser.post("/api/search/image", files=files).status_code == 403
    token = csrf_of(browser)
    response = browser.post("/api/search/image", files=files, headers={"X-CSRF-Token": token})
    assert response.status_code == 400


def test_login_is_rate_limited(web_settings: Settings, library: AssetStore) -> None:
    app = create_app(web_settings.model_copy(update={"login_attempts_per_minute": 3}), store=library)
    with TestClient(app, follow_redirects=False) as client:
        codes = [sign_in(client, user="ghost").status_code for _ in range(5)]  # type: ignore[attr-defined]
    assert codes == [401, 401, 401, 429, 429]


def limited_app(web_settings: Settings, library: AssetStore, per_name: int, per_client: int) -> FastAPI:
    limits = {"login_attempts_per_minute": per_name, "login_attempts_per_client_per_minute": per_client}
    return create_app(web_settings.model_copy(update=limits), store=library)


def test_spellings_of_one_user_name_share_one_count(web_settings: Settings, library: AssetStore) -> None:
    """Sign-in strips and lower-cases the name, so every spelling it accepts is counted as that name."""
    app = limited_app(web_settings, library, per_name=3, per_client=100)
    spellings = [" viewer", "viewer ", "VIEWER\t", "\nViewer", "viewer"]
    with TestClient(app, follow_redirects=False) as client:
        codes = [sign_in(client, user=name, password="wrong-password").status_code for name in spellings]  # type: ignore[attr-defined]
    assert codes == [401, 401, 401, 429, 429]


def test_one_address_is_limited_across_user_names(web_settings: Settings, library: AssetStore) -> None:
    """Credential stuffing: one try for each of many names is still many tries from one address."""
    app = limited_app(web_settings, library, per_name=100, per_client=3)
    with TestClient(app, follow_redirects=False, client=("198.51.100.7", 40000)) as stuffer:
        codes = [sign_in(stuffer, user=f"user{i}").status_code for i in range(5)]  # type: ignore[attr-defined]
    with TestClient(app, follow_redirects=False, client=("203.0.113.9", 40000)) as neighbour:
        other = sign_in(neighbour, user="user0").status_code  # type: ignore[attr-defined]
    assert codes == [401, 401, 401, 429, 429]
    assert other == 401
