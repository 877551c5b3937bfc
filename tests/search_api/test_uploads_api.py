"""Uploading through `POST /api/assets` and approving through the queue, on both backends.

Real images (Pillow), real encoders, a real store per backend: each test uploads its own files,
so tests share one app per backend without depending on each other's order.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from indexer.upload_desk import Incoming, UploadDesk, UploadMetadata
from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.schema import AssetStatus
from search_api.app import create_app
from search_api.rate_limit import SlidingWindowLimiter
from search_api.services import Services
from tests.accounts_fixture import bearer, seed_role_users
from tests.backends import BACKENDS, backend_settings, close_backend, open_backend
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)

MAX_BYTES = 150_000
MAX_PIXELS = 1_000_000


def picture(seed: int, size: tuple[int, int] = (256, 192), quality: int = 90, fmt: str = "JPEG") -> bytes:
    """Smooth random structure (a few blocks, scaled up): distinct per seed, stable under resizing."""
    blocks = np.random.default_rng(seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(blocks).resize(size, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """Incompressible: a PNG far over the byte limit at a modest pixel count."""
    pixels = np.random.default_rng(side).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


@dataclass
class World:
    client: TestClient
    services: Services
    keys: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.keys[who])

    def upload(self, who: str, files: list[tuple[str, bytes]], **form: object) -> tuple[int, list[dict]]:
        response = self.client.post(
            "/api/assets", files=[("files", (n, d)) for n, d in files], data=form, headers=self.auth(who)
        )
        return response.status_code, response.json()["files"]

    def asset(self, who: str, asset_id: str) -> tuple[int, dict]:
        response = self.client.get(f"/api/assets/{asset_id}", headers=self.auth(who))
        return response.status_code, response.json()


def _stored_files(world: World) -> set[Path]:
    return {p for p in world.services.settings.uploads_dir.rglob("*") if p.is_file()}


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, encoders: Encoders
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"uploads-{request.param}")
    settings = backend_settings(request.param, tmp, request).model_copy(
        update={
            "max_upload_bytes": MAX_BYTES,
            "max_image_pixels": MAX_PIXELS,
            "uploads_per_minute": 1000,
            "duplicate_near_cosine": 1.0,  # the tiny random CLIP finds every pair of images "near"
        }
    )
    store = open_backend(request.param, tmp, request, settings)
    app = create_app(settings, store=store, encoders=encoders)
    with TestClient(app) as client:
        services: Services = app.state.services
        keys = {role.value: key for role, key in seed_role_users(services.accounts).items()}
        services.accounts.add_user("mia", Role.viewer, ["marketing"], None, actor="test")
        keys["mia"] = services.accounts.create_key("mia", "tests", actor="test")[1]
        yield World(client, services, keys)
    close_backend(store)


def test_an_upload_is_a_draft_owned_by_the_uploader_seen_by_no_group_member_until_approved(world: World) -> None:
    status, files = world.upload(
        "contributor", [("dunes.jpg", picture(1))], title="Dunes at noon", tags=["sand", "desert"]
    )
    assert status == 201 and files[0]["status"] == 201 and files[0]["error"] is None
    asset_id = files[0]["asset"]["id"]
    _, asset = world.asset("contributor", asset_id)
    assert (asset["title"], asset["tags"], asset["status"]) == ("Dunes at noon", ["sand", "desert"], "draft")
    assert (asset["owner"], asset["groups"], asset["filename"]) == ("contributor", ["marketing"], "dunes.jpg")
    assert asset["has_image_vector"] and asset["has_text_vector"] and asset["phash"]
    assert asset["provenance"]["title"] == "edited" and asset["edits"]["title"]["by"] == "contributor"
    stored = list(world.services.settings.uploads_dir.rglob("*.jpeg"))
    assert [p.name for p in stored if p.stem == asset_id] == [f"{asset_id}.jpeg"]
    original = world.client.get(f"/api/assets/{asset_id}/file", headers=world.auth("contributor"))
    assert original.status_code == 200 and original.content == picture(1)

    assert world.asset("mia", asset_id)[0] == 404  # in the uploader's group, but a draft
    search = {"q": "dunes", "mode": "keyword"}
    assert world.client.get("/api/search", params=search, headers=world.auth("mia")).json()["total"] == 0
    queue = world.client.get("/api/librarian/approvals", headers=world.auth("librarian")).json()
    assert asset_id in [d["id"] for d in queue["drafts"]]

    approved = world.client.post(f"/api/librarian/approvals/{asset_id}/approve", headers=world.auth("librarian"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    hits = world.client.get("/api/search", params=search, headers=world.auth("mia")).json()["hits"]
    assert [h["asset"]["id"] for h in hits] == [asset_id]
    again = world.client.post(f"/api/librarian/approvals/{asset_id}/approve", headers=world.auth("librarian"))
    assert again.status_code == 400 and "not a draft" in again.json()["detail"]
    entry = world.services.accounts.audit_log(f"asset:{asset_id}")[0]
    assert (entry.actor, entry.action, entry.changes["status"]) == ("librarian", "asset.approve", ["draft", "approved"])


def test_rejecting_needs_a_reason_retires_the_draft_and_audits_the_reason(world: World) -> None:
    _, files = world.upload("contributor", [("blurry.jpg", picture(2))])
    asset_id = files[0]["asset"]["id"]
    url = f"/api/librarian/approvals/{asset_id}/reject"
    assert world.client.post(url, json={"reason": ""}, headers=world.auth("librarian")).status_code == 422
    assert world.client.post(url, json={"reason": "out of focus"}, headers=world.auth("contributor")).status_code == 403
    rejected = world.client.post(url, json={"reason": "out of focus"}, headers=world.auth("librarian"))
    assert rejected.status_code == 200 and rejected.json()["status"] == "retired"
    entry = world.services.accounts.audit_log(f"asset:{asset_id}")[0]
    assert (entry.action, entry.changes["reason"], entry.changes["status"]) == (
        "asset.reject",
        "out of focus",
        ["draft", "retired"],
    )
    assert world.asset("contributor", asset_id)[0] == 404  # retired: hidden from its owner too
    assert world.asset("librarian", asset_id)[1]["status"] == "retired"


def test_permissions_viewer_cannot_upload_contributor_cannot_approve_or_publish(world: World) -> None:
    viewer = world.client.post("/api/assets", files=[("files", ("x.jpg", picture(3)))], headers=world.auth("viewer"))
    assert viewer.status_code == 403
    _, files = world.upload("contributor", [("mine.jpg", picture(4))])
    asset_id = files[0]["asset"]["id"]
    approve = world.client.post(f"/api/librarian/approvals/{asset_id}/approve", headers=world.auth("contributor"))
    assert approve.status_code == 403
    queue = world.client.get("/api/librarian/approvals", headers=world.auth("contributor"))
    assert queue.status_code == 403
    publish = world.client.patch(
        f"/api/assets/{asset_id}", json={"status": "approved"}, headers=world.auth("contributor")
    )
    assert publish.status_code == 403 and "approval queue" in publish.json()["detail"]
    foreign = world.client.post(
        "/api/assets", files=[("files", ("y.jpg", picture(5)))], data={"groups": ["brand"]},
        headers=world.auth("contributor"),
    )  # fmt: skip
    assert foreign.status_code == 403 and "brand" in foreign.json()["detail"]
    assert world.services.store.get(asset_id).status is AssetStatus.draft


def test_an_exact_duplicate_is_refused_with_409_naming_the_original_only_to_whoever_may_see_it(world: World) -> None:
    original = picture(6)
    status, files = world.upload("admin", [("harbour.jpg", original)], groups=["brand"])
    assert status == 201
    first = files[0]["asset"]["id"]

    status, files = world.upload("admin", [("harbour-again.jpg", original)])
    assert status == 409
    assert (files[0]["error"], files[0]["existing"], files[0]["detail"]) == (
        "duplicate",
        first,
        f"already in the library as {first}",
    )
    assert files[0]["existing_url"] == f"/assets/{first}"

    status, files = world.upload("contributor", [("copy.jpg", original), ("fresh.jpg", picture(7))])
    assert status == 207
    assert [(f["filename"], f["status"]) for f in files] == [("copy.jpg", 409), ("fresh.jpg", 201)]
    assert (files[0]["existing"], files[0]["detail"]) == (None, "already in the library")  # a brand asset

    refused = world.client.post(
        "/api/assets", files=[("files", ("c.jpg", original))], data={"allow_duplicate": "true"},
        headers=world.auth("contributor"),
    )  # fmt: skip
    assert refused.status_code == 403
    status, files = world.upload("librarian", [("kept-copy.jpg", original)], allow_duplicate="true")
    assert status == 201
    second = files[0]["asset"]["id"]
    assert second != first
    assert [(a["id"], a["queue"]) for a in files[0]["looks_like"]] == [(first, "exact")]


def test_a_visual_duplicate_is_accepted_shown_as_looks_like_and_queued_at_once(world: World) -> None:
    _, files = world.upload("contributor", [("tower.jpg", picture(8))], title="Tower")
    tower = files[0]["asset"]["id"]
    smaller = picture(8, size=(200, 150), quality=60)
    status, files = world.upload("contributor", [("tower-small.jpg", smaller)])
    assert status == 201
    copy = files[0]["asset"]["id"]
    assert [(a["id"], a["title"], a["queue"]) for a in files[0]["looks_like"]] == [(tower, "Tower", "visual")]
    clusters = world.client.get("/api/librarian/duplicates", params={"queue": "visual"}, headers=world.auth("admin"))
    assert any({tower, copy} <= {m["id"] for m in c["members"]} for c in clusters.json())

    _, hidden = world.upload("admin", [("skyline.jpg", picture(9))], groups=["brand"])
    _, files = world.upload("contributor", [("skyline-small.jpg", picture(9, size=(200, 150), quality=60))])
    assert files[0]["status"] == 201 and files[0]["looks_like"] == []  # its look-alike is not theirs to see
    pairs = world.client.get("/api/librarian/duplicates", params={"queue": "visual"}, headers=world.auth("admin"))
    assert any(
        {hidden[0]["asset"]["id"], files[0]["asset"]["id"]} <= {m["id"] for m in c["members"]} for c in pairs.json()
    )


def test_bad_files_are_refused_one_by_one_and_the_good_one_in_the_batch_is_stored(world: World) -> None:
    good = picture(10)
    truncated = picture(11)[:2000]
    bomb = picture(12, size=(1200, 1000))  # 1.2 MP, over the 1 MP limit, a small file
    before = _stored_files(world)
    status, files = world.upload(
        "contributor",
        [
            ("notes.txt", b"just some text, not an image"),
            ("cut.jpg", truncated),
            ("bomb.jpg", bomb),
            ("huge.png", noise_png(300)),
            ("empty.jpg", b""),
            ("fine.jpg", good),
        ],
    )
    assert status == 207
    outcomes = [(f["filename"], f["status"], f["error"]) for f in files]
    assert outcomes == [
        ("notes.txt", 415, "wrong_type"),
        ("cut.jpg", 422, "corrupt"),
        ("bomb.jpg", 422, "too_many_pixels"),
        ("huge.png", 413, "too_large"),
        ("empty.jpg", 400, "empty_file"),
        ("fine.jpg", 201, None),
    ]
    assert "not a recognised image" in files[0]["detail"]
    assert "truncated" in files[1]["detail"]
    assert "1200x1000" in files[2]["detail"] and f"{MAX_PIXELS}" in files[2]["detail"]
    assert f"{MAX_BYTES:,}" in files[3]["detail"]
    added = _stored_files(world) - before
    assert [p.stem for p in added] == [files[5]["asset"]["id"]]  # the truncated file is gone again


def test_an_empty_request_is_400_and_so_is_one_with_too_many_files(world: World) -> None:
    empty = world.client.post("/api/assets", data={"title": "nothing"}, headers=world.auth("contributor"))
    assert empty.status_code == 400 and empty.json()["error"] == "invalid_upload"
    assert "no files" in empty.json()["detail"]
    limit = world.services.settings.max_upload_files
    many = [("files", (f"{i}.jpg", b"x")) for i in range(limit + 1)]
    response = world.client.post("/api/assets", files=many, headers=world.auth("contributor"))
    assert response.status_code == 400 and f"at most {limit}" in response.json()["detail"]


def test_a_crash_while_writing_the_asset_leaves_neither_file_nor_asset(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = world.services
    data = picture(13)
    principal = services.accounts.user("contributor").principal()
    before_files = _stored_files(world)
    before_ids = set(services.store.fingerprints())

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the power went out")

    monkeypatch.setattr(services.store, "upsert", crash)
    with pytest.raises(RuntimeError, match="power"):
        services.uploads.upload(principal, [Incoming("crash.jpg", io.BytesIO(data))], UploadMetadata())
    monkeypatch.undo()
    assert _stored_files(world) == before_files
    assert set(services.store.fingerprints()) == before_ids
    status, files = world.upload("contributor", [("crash.jpg", data)])  # and the same file goes in afterwards
    assert status == 201 and files[0]["error"] is None


def test_uploads_are_rate_limited_per_user(world: World) -> None:
    services = world.services
    limiter = SlidingWindowLimiter(2)
    desk = UploadDesk(
        services.settings, services.store, services.encoders, services.duplicates, services.librarian_db,
        services.accounts, limiter.retry_after,
    )  # fmt: skip
    contributor = services.accounts.user("contributor").principal()
    files = [Incoming(f"{i}.jpg", io.BytesIO(picture(20 + i))) for i in range(3)]
    outcomes = desk.upload(contributor, files, UploadMetadata())
    assert [(o.filename, o.problem) for o in outcomes] == [("0.jpg", None), ("1.jpg", None), ("2.jpg", "rate_limited")]
    assert "try again in" in outcomes[2].detail
    librarian = services.accounts.user("librarian").principal()
    assert desk.upload(librarian, [Incoming("3.jpg", io.BytesIO(picture(23)))], UploadMetadata())[0].problem is None
