"""One API per backend over the same library, with one user (and API key) per role.

Each backend serves the matrix twice: as loaded, and right after librarians changed who may
see some assets through the API (groups moved and emptied, an owner changed). No refresh is
called between those edits and the matrix: an edit must hold on every surface once it returns.
"""

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
from tests.accounts_fixture import bearer, seed_role_users
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


VISIBILITY_EDITS: dict[str, dict[str, object]] = {
    "cat-1": {"groups": ["marketing", "science"]},  # the viewer gains it
    "dog-1": {"groups": []},  # brand -> nobody but its owner: the analyst loses it
    "storm-1": {"owner": "viewer"},  # group-less, handed from the contributor to the viewer
}
PHASES = ["as-loaded", "after-visibility-edits"]


def _matrix_params() -> list[object]:
    params: list[object] = []
    for backend in BACKENDS:
        name, marks = (backend, ()) if isinstance(backend, str) else (backend.values[0], backend.marks)
        params.extend(pytest.param((name, phase), marks=marks, id=f"{name}-{phase}") for phase in PHASES)
    return params


def edit_visibility(client: TestClient, librarian_key: str, assets: list[Asset]) -> list[Asset]:
    """Apply VISIBILITY_EDITS through the API; returns the library as it now is."""
    for asset_id, change in VISIBILITY_EDITS.items():
        response = client.patch(f"/api/assets/{asset_id}", json=change, headers=bearer(librarian_key))
        assert response.status_code == 200, response.text
    store = client.app.state.services.store  # type: ignore[attr-defined]
    return [store.get(asset.id) for asset in assets]


@pytest.fixture(scope="module", params=_matrix_params())
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoders: Encoders
) -> Iterator[tuple[TestClient, dict[Role, str], list[Asset]]]:
    backend, phase = request.param
    tmp = tmp_path_factory.mktemp(f"perm-{backend}")
    settings = backend_settings(backend, tmp, request).model_copy(update={"library_roots": [tmp / "originals"]})
    store = open_backend(backend, tmp, request, settings)
    assets = permission_library(tmp / "originals", settings.thumbnails_dir)
    assert not store.upsert(assets).failures
    store.refresh()
    app = create_app(settings, store=store, encoders=encoders)
    with TestClient(app) as client:
        keys = seed_role_users(app.state.services.accounts)
        if phase == "after-visibility-edits":
            assets = edit_visibility(client, keys[Role.librarian], assets)
        yield client, keys, assets
    close_backend(store)
