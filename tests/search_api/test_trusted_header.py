"""SSO proxy header authentication: off unless configured, and only for known, enabled users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from loupe_core.settings import Settings
from search_api.app import create_app
from tests.accounts_fixture import seed_role_users


@contextmanager
def client_for(tmp_path: Path, header: str | None) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, clip_model="", text_model="", trusted_user_header=header))
    with TestClient(app) as client:
        seed_role_users(app.state.services.accounts)
        yield client


def test_header_is_ignored_unless_configured(tmp_path: Path) -> None:
    with client_for(tmp_path, None) as client:
        assert client.get("/api/search", headers={"X-Forwarded-User": "admin"}).status_code == 401


def test_configured_header_names_a_known_enabled_user(tmp_path: Path) -> None:
    with client_for(tmp_path, "X-Forwarded-User") as client:
        assert client.get("/api/search", headers={"X-Forwarded-User": "viewer"}).status_code == 200
        assert client.get("/api/admin/users", headers={"X-Forwarded-User": "viewer"}).status_code == 403
        assert client.get("/api/search", headers={"X-Forwarded-User": "stranger"}).status_code == 401
        client.app.state.services.accounts.set_disabled("viewer", True, actor="test")  # type: ignore[attr-defined]
        assert client.get("/api/search", headers={"X-Forwarded-User": "viewer"}).status_code == 401
