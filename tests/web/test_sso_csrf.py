"""CSRF for callers an SSO proxy signs in: its header rides along on every request, cross-site ones
included, so writes need the same token as cookie sessions; API keys stay exempt."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from loupe_core.accounts.store import AccountStore
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from search_api import routers
from search_api.deps import get_principal
from tests.accounts_fixture import bearer, seed_role_users
from web.app import ROUTERS, create_app

SSO = "X-Forwarded-User"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def sso_app(web_settings: Settings, library: AssetStore) -> FastAPI:
    accounts = AccountStore(web_settings.accounts_db_path)  # seeded before the app starts
    keys = seed_role_users(accounts)
    accounts.close()
    app = create_app(web_settings.model_copy(update={"trusted_user_header": SSO}), store=library)
    app.state.keys = keys
    return app


@pytest.fixture
def proxy(sso_app: FastAPI) -> Iterator[TestClient]:
    """What the SSO proxy forwards for the signed-in admin, whoever's page sent the request."""
    with TestClient(sso_app, follow_redirects=False, headers={SSO: "admin"}) as client:
        yield client


def token_on_page(client: TestClient) -> str:
    """The token the page embeds for whoever the proxy names (htmx and loupe.js read it from here)."""
    page = client.get("/")
    assert page.status_code == 200
    return page.text.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]


def user_ids(app: FastAPI) -> set[str]:
    with TestClient(app):
        return {u.id for u in app.state.services.accounts.users()}


def test_cross_site_form_post_with_the_sso_header_is_refused(proxy: TestClient, sso_app: FastAPI) -> None:
    forged = proxy.post("/admin/users", data={"id": "mallory", "role": "admin"})
    assert forged.status_code == 403
    assert "mallory" not in user_ids(sso_app)


def test_the_page_gives_sso_users_a_token_that_works(proxy: TestClient, sso_app: FastAPI) -> None:
    token = token_on_page(proxy)
    saved = proxy.post("/admin/users", data={"id": "newcomer", "role": "viewer", "csrf_token": token})
    assert saved.status_code == 303
    assert "newcomer" in user_ids(sso_app)


def test_json_writes_with_the_sso_header_need_the_token(proxy: TestClient, sso_app: FastAPI) -> None:
    body = {"id": "mallory", "role": "admin"}
    assert proxy.post("/api/admin/users", json=body).status_code == 403
    assert proxy.post("/api/admin/users", json=body, headers={"X-CSRF-Token": token_on_page(proxy)}).status_code == 201


def test_one_sso_users_token_does_not_work_for_another(sso_app: FastAPI) -> None:
    with TestClient(sso_app, follow_redirects=False, headers={SSO: "librarian"}) as librarian:
        theirs = token_on_page(librarian)
    with TestClient(sso_app, follow_redirects=False, headers={SSO: "admin"}) as admin:
        assert theirs != token_on_page(admin)
        forged = admin.post("/admin/users", data={"id": "mallory", "role": "admin", "csrf_token": theirs})
    assert forged.status_code == 403


def test_api_keys_stay_exempt(proxy: TestClient, sso_app: FastAPI) -> None:
    response = proxy.post(
        "/api/admin/users", json={"id": "robot", "role": "viewer"}, headers=bearer(sso_app.state.keys[Role.admin])
    )
    assert response.status_code == 201


def _depends_on(dependant: Dependant, target: object) -> bool:
    return any(d.call is target or _depends_on(d, target) for d in dependant.dependencies)


def all_routers() -> list[APIRouter]:
    """Every router module of the API (found, not listed, so a new one is checked too) and the pages'."""
    api = [
        importlib.import_module(f"search_api.routers.{m.name}").router for m in pkgutil.iter_modules(routers.__path__)
    ]
    return [*api, *ROUTERS]


def test_every_state_changing_route_passes_the_csrf_check() -> None:
    """The check lives in the principal dependency, so a write route that skipped it would skip CSRF."""
    writes = [r for router in all_routers() for r in router.routes if isinstance(r, APIRoute) and r.methods & WRITES]
    unchecked = [r.path for r in writes if not _depends_on(r.dependant, get_principal) and r.path != "/login"]
    assert len(writes) > 20
    assert unchecked == []
