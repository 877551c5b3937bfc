"""Page-test fixtures: the library in a real embedded store under tmp_path, and no models loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from tests.accounts_fixture import bearer, seed_role_users
from tests.web.library import LIBRARY
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
    keys = seed_role_users(app.state.services.accounts)
    with TestClient(app, headers=bearer(keys[Role.admin])) as test_client:
        yield test_client
