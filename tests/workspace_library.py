"""A small library with real files, served by the API on one backend, for collections and saved searches.

Who sees what (users from `tests.accounts_fixture`: viewer in science, analyst in brand,
contributor in marketing; admin and librarian see everything):

| id             | owner       | groups              | status   | file                |
|----------------|-------------|---------------------|----------|---------------------|
| poster-red     | alice       | marketing           | approved | red/poster.jpg      |
| poster-blue    | alice       | marketing           | approved | blue/poster.jpg     |
| rocket         | dave        | science             | approved | rocket.jpg          |
| rocket-old     | dave        | science             | archived | rocket-old.jpg      |
| logo           | bob         | brand               | approved | logo.png            |
| lost           | alice       | marketing, science  | approved | (missing on disk)   |
| storm          | contributor | (none)              | approved | storm.jpg           |
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.backends import backend_settings, close_backend, open_backend

INDEXED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROWS: list[dict[str, Any]] = [
    {"id": "poster-red", "title": "Red launch poster", "tags": ["poster", "launch"], "owner": "alice",
     "groups": ["marketing"], "file": "red/poster.jpg", "colour": "red"},
    {"id": "poster-blue", "title": "Blue launch poster", "tags": ["poster"], "owner": "alice",
     "groups": ["marketing"], "file": "blue/poster.jpg", "colour": "blue"},
    {"id": "rocket", "title": "Rocket on the pad", "tags": ["launch", "rocket"], "owner": "dave",
     "groups": ["science"], "file": "rocket.jpg", "colour": "white"},
    {"id": "rocket-old", "title": "Old rocket photo", "tags": ["rocket"], "owner": "dave", "groups": ["science"],
     "status": "archived", "file": "rocket-old.jpg", "colour": "gray"},
    {"id": "logo", "title": "Brand logo", "tags": ["logo"], "owner": "bob", "groups": ["brand"],
     "file": "logo.png", "colour": "green"},
    {"id": "lost", "title": "Lost launch photo", "tags": ["launch"], "owner": "alice",
     "groups": ["marketing", "science"], "file": None, "colour": None},
    {"id": "storm", "title": "Storm over the road", "tags": ["weather"], "owner": "contributor", "groups": [],
     "file": "storm.jpg", "colour": "black"},
]  # fmt: skip


def library_asset(row: dict[str, Any], originals: Path, indexed_at: datetime = INDEXED) -> Asset:
    """The asset of one row; its file (a real image) is written under `originals` when it has one."""
    path = originals / "missing" / f"{row['id']}.jpg"
    facts: dict[str, Any] = {}
    if row["file"]:
        path = originals / row["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), row["colour"]).save(path)
        facts = {"bytes": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return Asset(
        id=row["id"],
        title=row["title"],
        tags=row["tags"],
        owner=row["owner"],
        groups=row["groups"],
        status=row.get("status", "approved"),
        filename=Path(row["file"] or f"{row['id']}.jpg").name,
        path=str(path),
        indexed_at=indexed_at,
        **facts,
    )


@dataclass
class Served:
    """One backend's library behind the API, with an API key per role."""

    client: TestClient
    keys: dict[Role, str]
    settings: Settings
    store: AssetStore

    @property
    def originals(self) -> Path:
        return self.settings.data_dir / "originals"

    def as_role(self, role: Role) -> dict[str, str]:
        return bearer(self.keys[role])

    def call(self, role: Role, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, url, headers=self.as_role(role), **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    def add_asset(self, row: dict[str, Any], indexed_at: datetime) -> None:
        """An asset the nightly index run just brought in (bulk writes are refreshed, as the indexer does)."""
        report = self.store.upsert([library_asset(row, self.originals, indexed_at)])
        assert not report.failures, report.failures
        self.store.refresh()


@contextmanager
def served_library(backend: str, tmp: Path, request: pytest.FixtureRequest, encoders: Encoders) -> Iterator[Served]:
    settings = backend_settings(backend, tmp, request).model_copy(update={"library_roots": [tmp / "originals"]})
    store = open_backend(backend, tmp, request, settings)
    report = store.upsert([library_asset(row, tmp / "originals") for row in ROWS])
    assert not report.failures, report.failures
    store.refresh()
    app = create_app(settings, store=store, encoders=encoders)
    try:
        with TestClient(app) as client:
            yield Served(client, seed_role_users(app.state.services.accounts), settings, store)
    finally:
        close_backend(store)
