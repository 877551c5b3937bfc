"""Page-test fixtures: the library in a real embedded store under tmp_path, and no models loaded.

`client` is a fresh app per test (admin); `roles` is one app per module with a key per role.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from search_api.services import Services
from tests.accounts_fixture import bearer, seed_role_users
from tests.web.library import LIBRARY, WORKFLOW_LIBRARY
from web.app import create_app


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, clip_model="", text_model="")


@pytest.fixture
def library(web_settings: Settings) -> Iterator[AssetStore]:
    store = open_store(web_settings)
    report = store.upsert(LIBRARY)
    assert not report.failures, report.failures
    store.refresh()
    yield store
    store.close()


@pytest.fixture
def client(web_settings: Settings, library: AssetStore) -> Iterator[TestClient]:
    app = create_app(web_settings, store=library)
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.admin]))
        yield test_client


@dataclass(frozen=True)
class Roles:
    """One app shared by a module's tests; `headers[role]` signs a request in as that role (API key:
    no CSRF needed, so tests exercise the pages' own checks rather than the login form)."""

    client: TestClient
    headers: dict[Role, dict[str, str]]
    services: Services


@pytest.fixture(scope="module")
def roles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Roles]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("web-roles"), clip_model="", text_model="")
    store = open_store(settings)
    assert not store.upsert([*LIBRARY, *WORKFLOW_LIBRARY]).failures
    store.refresh()
    app = create_app(settings, store=store)
    with TestClient(app, follow_redirects=False) as client:
        keys = seed_role_users(app.state.services.accounts)
        yield Roles(client, {role: bearer(key) for role, key in keys.items()}, app.state.services)
    store.close()
