"""An API over a real embedded store holding the contract library, with real encoders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users
from tests.contract.library import build_library


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("api-data")
    return Settings(data_dir=data_dir, max_upload_bytes=200_000, library_roots=[data_dir / "originals"])


@pytest.fixture(scope="module")
def client(api_settings: Settings, encoders: Encoders) -> Iterator[TestClient]:
    store = open_store(api_settings)
    assets, _ = build_library()
    originals = api_settings.data_dir / "originals"
    originals.mkdir()
    api_settings.thumbnails_dir.mkdir(parents=True)
    cat = assets[0]
    Image.new("RGB", (64, 48), "orange").save(originals / "cat-1.jpg")
    Image.new("RGB", (32, 24), "orange").save(api_settings.thumbnails_dir / "cat-thumb.webp")
    assets[0] = cat.model_copy(update={"path": str(originals / "cat-1.jpg"), "thumbnail": "cat-thumb.webp"})
    assets[1] = assets[1].model_copy(update={"thumbnail": "../../etc/passwd", "path": "/nonexistent/file.jpg"})
    store.upsert(assets)
    app = create_app(api_settings, store=store, encoders=encoders)
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.admin]))
        yield test_client
    store.close()


@pytest.fixture
def jpeg_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "query.jpg"
    Image.new("RGB", (80, 60), "teal").save(path)
    return path.read_bytes()
