"""The app (API and pages) served over either backend with a given library, seeded users per role, no models.

For API tests that must hold on both backends (`BACKENDS`); the caller's module imports the
`opensearch_url` session fixture so the OpenSearch variant can reach its node.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.schema import Asset
from search_api.services import Services
from tests.accounts_fixture import bearer, seed_role_users
from tests.backends import backend_settings, close_backend, close_search_log, open_backend
from web.app import create_app


@dataclass(frozen=True)
class Served:
    client: TestClient
    keys: dict[Role, str]
    services: Services

    def get(self, role: Role, url: str, **params: Any) -> Any:
        response = self.client.get(url, params=params, headers=bearer(self.keys[role]))
        assert response.status_code == 200, response.text
        return response.json()

    def as_role(self, role: Role) -> dict[str, str]:
        return bearer(self.keys[role])


@contextmanager
def served_library(
    backend: str, tmp: Path, request: pytest.FixtureRequest, assets: list[Asset], **overrides: Any
) -> Iterator[Served]:
    """The web app (pages and API) over `assets`; `overrides`: settings to change."""
    plain = {"clip_model": "", "text_model": "", **overrides}
    settings = backend_settings(backend, tmp, request).model_copy(update=plain)
    store = open_backend(backend, tmp, request, settings)
    try:
        assert not store.upsert(assets).failures
        store.refresh()
        app = create_app(settings, store=store, encoders=Encoders.from_settings(settings))
        with TestClient(app) as client:
            services: Services = app.state.services
            try:
                yield Served(client, seed_role_users(services.accounts), services)
            finally:
                close_search_log(services.search_log)
    finally:
        close_backend(store)
