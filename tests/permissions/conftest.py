"""One API per backend over the same library, with one user (and API key) per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.schema import Asset
from search_api.app import create_app
from tests.accounts_fixture import seed_role_users
from tests.backends import BACKENDS, backend_settings, close_backend, open_backend
from tests.contract.library import build_library
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)


def permission_library(originals: Path, thumbnails: Path) -> list[Asset]:
    """The contract library, plus a group-less asset owned by the contributor, all with files."""
    assets, _ = build_library(filler=20)
    thumbnails.mkdir(parents=True, exist_ok=True)
    originals.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), "gray").save(thumbnails / "t.webp")
    shaped: list[Asset] = []
    for asset in assets:
        path = originals / f"{asset.id}.jpg"
        Image.new("RGB", (8, 8), "gray").save(path)
        update: dict[str, object] = {"path": str(path), "thumbnail": "t.webp"}
        if asset.id == "storm-1":
            update["owner"] = "contributor"
        shaped.append(asset.model_copy(update=update))
    return shaped


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoders: Encoders
) -> Iterator[tuple[TestClient, dict[Role, str], list[Asset]]]:
    tmp = tmp_path_factory.mktemp(f"perm-{request.param}")
    settings = backend_settings(request.param, tmp, request)  # the app's search log lives in the same backend
    store = open_backend(request.param, tmp, request, settings)
    assets = permission_library(tmp / "originals", settings.thumbnails_dir)
    assert not store.upsert(assets).failures
    store.refresh()
    app = create_app(settings, store=store, encoders=encoders)
    keys = seed_role_users(app.state.services.accounts)
    with TestClient(app) as client:
        yield client, keys, assets
    close_backend(store)
