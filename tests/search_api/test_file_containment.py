"""Originals and renditions are served only from inside their folders; an escape is a logged 404."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.registry import Encoders
from loupe_core.library_roots import library_roots, remember_root
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users


def jpeg(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (16, 12), "teal").save(path)
    return path


@pytest.fixture
def served(tmp_path: Path, encoders: Encoders) -> Iterator[tuple[TestClient, Settings]]:
    library, outside = tmp_path / "library", tmp_path / "elsewhere"
    settings = Settings(data_dir=tmp_path / "data")
    remember_root(settings, library)  # what `loupe index library/` records
    secret = jpeg(outside / "secret.jpg")
    (library / "linked.jpg").parent.mkdir(parents=True, exist_ok=True)
    (library / "linked.jpg").symlink_to(secret)
    jpeg(settings.thumbnails_dir / "ok.webp")
    assets = [
        Asset(id="inside", path=str(jpeg(library / "inside.jpg")), thumbnail="ok.webp"),
        Asset(id="outside", path=str(secret)),  # a crafted manifest, or a source edited after indexing
        Asset(id="dotdot", path=str(library / ".." / "elsewhere" / "secret.jpg")),
        Asset(id="symlink", path=str(library / "linked.jpg")),  # a link swapped in inside the library
        Asset(id="rendition", thumbnail=str(secret)),  # an absolute "name" makes root / name the name itself
        Asset(id="rendition-up", thumbnail="../../elsewhere/secret.jpg"),
    ]
    store = open_store(settings)
    store.upsert(assets)
    with TestClient(create_app(settings, store=store, encoders=encoders)) as client:
        client.headers.update(bearer(seed_role_users(client.app.state.services.accounts)[Role.admin]))  # type: ignore[attr-defined]
        yield client, settings
    store.close()


def test_only_files_inside_the_library_roots_are_served(
    served: tuple[TestClient, Settings], caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = served
    assert client.get("/api/assets/inside/file").status_code == 200
    assert client.get("/api/assets/inside/thumbnail").status_code == 200
    caplog.set_level(logging.WARNING, logger="loupe.files")
    for asset_id, suffix in [
        ("outside", "file"), ("dotdot", "file"), ("symlink", "file"),
        ("rendition", "thumbnail"), ("rendition-up", "thumbnail"),
    ]:  # fmt: skip
        response = client.get(f"/api/assets/{asset_id}/{suffix}")
        assert (response.status_code, response.json()["error"]) == (404, "not_found"), asset_id
        assert b"teal" not in response.content
    refused = [r.getMessage() for r in caplog.records]
    assert len(refused) == 5 and all("refused" in line for line in refused)


def test_configured_roots_replace_the_recorded_ones(tmp_path: Path) -> None:
    recorded = Settings(data_dir=tmp_path / "data")
    remember_root(recorded, tmp_path / "a")
    remember_root(recorded, tmp_path / "a")  # recorded once
    remember_root(recorded, tmp_path / "b")
    uploads = recorded.uploads_dir
    assert library_roots(recorded) == [(tmp_path / "a").resolve(), (tmp_path / "b").resolve(), uploads]
    configured = recorded.model_copy(update={"library_roots": [tmp_path / "c"]})
    assert library_roots(configured) == [tmp_path / "c", uploads]
