"""Downloading a collection: a ZIP of the originals the caller may download plus manifest.csv, streamed.

The contents are checked on both backends through the API; the memory bound is checked on a real
server (uvicorn, which streams; the test client collects whole bodies) with a few hundred MB of originals.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from loupe_core.asset_collections.download import CollectionDownloads
from loupe_core.asset_collections.store import ShareRole
from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Principal, Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from search_api.services import Services
from tests.accounts_fixture import bearer, seed_role_users
from tests.browser.server import serving
from tests.workspace_library import Served

ITEMS = ["poster-red", "poster-blue", "rocket", "lost", "rocket-old", "logo"]
MANIFEST_HEADER = ["asset_id", "title", "file", "bytes", "sha256", "result"]
NO_FILE = "skipped: the original file is not available"


def shared_collection(served: Served) -> str:
    cid: str = served.call(Role.librarian, "POST", "/api/collections", 201, json={"name": "Launch / day 1"})["id"]
    served.call(Role.librarian, "POST", f"/api/collections/{cid}/items", json={"ids": ITEMS})
    served.call(Role.librarian, "PUT", f"/api/collections/{cid}/shares", json={"shares": {"science": "viewer"}})
    return cid


def download(served: Served, role: Role, cid: str) -> tuple[zipfile.ZipFile, list[list[str]]]:
    response = served.client.get(f"/api/collections/{cid}/download", headers=served.as_role(role))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Launch _ day 1.zip\"; filename*=UTF-8''Launch%20_%20day%201.zip"
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    return archive, manifest


def test_a_viewer_downloads_only_what_they_may_see_with_a_manifest(served: Served) -> None:
    cid = shared_collection(served)
    archive, manifest = download(served, Role.viewer, cid)

    assert archive.namelist() == ["rocket.jpg", "manifest.csv"]
    assert archive.read("rocket.jpg") == (served.originals / "rocket.jpg").read_bytes()
    rocket = served.store.get("rocket")
    assert manifest == [
        MANIFEST_HEADER,
        ["rocket", "Rocket on the pad", "rocket.jpg", str(rocket.bytes), rocket.sha256, "included"],
        ["lost", "Lost launch photo", "", "", "", NO_FILE],
        ["", "", "", "", "", "not included: 4 items you can't see"],
    ]


def test_a_librarian_downloads_every_file_and_same_names_do_not_clash(served: Served) -> None:
    cid = shared_collection(served)
    archive, manifest = download(served, Role.librarian, cid)

    assert archive.namelist() == [
        "poster.jpg",
        "poster (2).jpg",
        "rocket.jpg",
        "rocket-old.jpg",
        "logo.png",
        "manifest.csv",
    ]
    assert archive.read("poster.jpg") == (served.originals / "red" / "poster.jpg").read_bytes()
    assert archive.read("poster (2).jpg") == (served.originals / "blue" / "poster.jpg").read_bytes()
    assert [(row[0], row[2], row[5]) for row in manifest[1:]] == [
        ("poster-red", "poster.jpg", "included"),
        ("poster-blue", "poster (2).jpg", "included"),
        ("rocket", "rocket.jpg", "included"),
        ("lost", "", NO_FILE),
        ("rocket-old", "rocket-old.jpg", "included"),
        ("logo", "logo.png", "included"),
    ]


def test_someone_the_collection_is_not_shared_with_gets_nothing(served: Served) -> None:
    cid = shared_collection(served)
    response = served.client.get(f"/api/collections/{cid}/download", headers=served.as_role(Role.analyst))
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_a_completed_download_is_reported_once_and_an_abandoned_one_never(served: Served) -> None:
    """The hook the usage reports connect to: called with what was delivered, after the last byte."""
    services: Services = served.client.app.state.services  # type: ignore[attr-defined]
    cid = shared_collection(served)
    calls: list[tuple[str, list[str], str]] = []

    def record(principal: Principal, asset_ids: object, kind: str) -> None:
        calls.append((principal.user_id, list(asset_ids), kind))  # type: ignore[call-overload]

    downloads = CollectionDownloads(services.collections, services.files, record_download=record)
    viewer = services.accounts.user("viewer").principal()
    abandoned = downloads.zip(viewer, cid).chunks
    next(abandoned)
    abandoned.close()
    assert calls == []
    b"".join(downloads.zip(viewer, cid).chunks)
    assert calls == [("viewer", ["rocket"], "zip")]


# -- memory ---------------------------------------------------------------------------------------
FILES = 200
FILE_BYTES = 2 * 1024 * 1024
MEMORY_BOUND = 64 * 1024 * 1024
"""Peak resident growth allowed while 400 MiB of originals stream through (chunks are 1 MiB)."""


def _kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    assert match, field
    return int(match.group(1)) * 1024


@pytest.fixture
def large_collection(tmp_path: Path, encoders: Encoders) -> Iterator[tuple[str, str, str]]:
    """200 originals of 2 MiB (sparse files: the bytes still flow through the server) in one collection."""
    originals = tmp_path / "originals"
    originals.mkdir()
    settings = Settings(data_dir=tmp_path / "data", library_roots=[originals])
    assets = []
    for i in range(FILES):
        path = originals / f"big-{i:03d}.tif"
        with path.open("wb") as out:
            out.truncate(FILE_BYTES)
        assets.append(
            Asset(id=f"big-{i:03d}", title=f"Big {i}", filename=path.name, path=str(path), groups=["science"])
        )
    store = open_store(settings)
    assert not store.upsert(assets).failures
    app = create_app(settings, store=store, encoders=encoders)
    with serving(app) as url:
        services: Services = app.state.services
        key = seed_role_users(services.accounts)[Role.viewer]
        admin = Principal(user_id="admin", role=Role.admin)
        collection = services.collections.create(admin, "Big")
        services.collections.add(admin, collection.id, [a.id for a in assets])
        services.collections.share(admin, collection.id, {"science": ShareRole.viewer})
        yield url, key, collection.id
    store.close()


def test_a_large_collection_streams_in_bounded_memory(large_collection: tuple[str, str, str]) -> None:
    url, key, cid = large_collection
    with httpx.Client(base_url=url, headers=bearer(key), timeout=120) as client:
        client.get(f"/api/collections/{cid}/items?size=1").raise_for_status()  # warm the server's first-use costs
        Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) from the current resident size
        before = _kib("VmRSS")
        received, tail = 0, b""
        with client.stream("GET", f"/api/collections/{cid}/download") as response:
            assert response.status_code == 200
            for chunk in response.iter_raw(1024 * 1024):
                received += len(chunk)
                tail = (tail + chunk)[-22:]
        growth = _kib("VmHWM") - before

    assert received > FILES * FILE_BYTES
    assert tail.startswith(b"PK\x05\x06")  # the archive ends with its end-of-central-directory record
    assert growth < MEMORY_BOUND, f"peak resident memory grew by {growth / 2**20:.0f} MiB"
