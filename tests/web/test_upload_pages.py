"""The upload page (with and without JavaScript's per-file posts) and the approvals page."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from loupe_core.principal import Role
from loupe_core.schema import AssetStatus
from tests.web.conftest import Roles


def picture(seed: int) -> bytes:
    blocks = np.random.default_rng(seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(blocks).resize((160, 120), Image.Resampling.BICUBIC).save(out, "JPEG")
    return out.getvalue()


def test_only_uploaders_get_the_upload_page(roles: Roles) -> None:
    page = roles.client.get("/upload", headers=roles.headers[Role.contributor])
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'src="/static/upload.js"' in page.text
    assert 'name="allow_duplicate"' not in page.text  # a librarian's choice
    assert 'name="allow_duplicate"' in roles.client.get("/upload", headers=roles.headers[Role.librarian]).text
    assert roles.client.get("/upload", headers=roles.headers[Role.viewer]).status_code == 403


def test_a_plain_form_post_lists_each_file_with_its_link(roles: Roles) -> None:
    first = roles.client.post(
        "/upload", files=[("files", ("pier.jpg", picture(1)))], data={"title": "Pier", "tags": "sea, wood"},
        headers=roles.headers[Role.contributor],
    )  # fmt: skip
    assert first.status_code == 200
    pier = next(a for a in roles.services.store.scan() if a.title == "Pier")
    assert (pier.status, pier.owner, pier.tags) == (AssetStatus.draft, "contributor", ["sea", "wood"])
    assert f'<a href="/assets/{pier.id}" dir="auto">Pier</a>' in first.text

    both = roles.client.post(
        "/upload", files=[("files", ("again.jpg", picture(1))), ("files", ("new.jpg", picture(2)))],
        headers=roles.headers[Role.contributor],
    )  # fmt: skip
    assert '<strong dir="auto">again.jpg</strong>: Already in the library' in both.text
    assert f'<a class="existing" href="/assets/{pier.id}" dir="auto">Pier</a>' in both.text
    assert '<strong dir="auto">new.jpg</strong>: Uploaded as a draft, waiting for approval' in both.text


def test_a_per_file_post_from_the_script_gets_only_that_files_line(roles: Roles) -> None:
    headers = {**roles.headers[Role.contributor], "HX-Request": "true"}
    response = roles.client.post("/upload", files=[("files", ("bad.jpg", b"not really"))], headers=headers)
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.count('<li class="upload-outcome') == 1
    assert "Not an image Loupe takes" in response.text and "not a recognised image file" in response.text


def test_submitting_no_file_is_a_400_page(roles: Roles) -> None:
    response = roles.client.post(
        "/upload", files=[("files", ("", b""))], data={"title": "x"}, headers=roles.headers[Role.contributor]
    )
    assert response.status_code == 400 and "holds no files" in response.text


def test_the_approvals_page_approves_and_rejects_with_a_reason(roles: Roles) -> None:
    for seed, title in ((3, "Keep me"), (4, "Drop me")):
        roles.client.post(
            "/upload", files=[("files", (f"{seed}.jpg", picture(seed)))], data={"title": title},
            headers=roles.headers[Role.contributor],
        )  # fmt: skip
    ids = {a.title: a.id for a in roles.services.store.scan() if a.title in ("Keep me", "Drop me")}
    librarian = roles.headers[Role.librarian]
    page = roles.client.get("/librarian/approvals", headers=librarian)
    assert page.status_code == 200 and "Keep me</a>" in page.text and "Drop me</a>" in page.text
    assert roles.client.get("/librarian/approvals", headers=roles.headers[Role.contributor]).status_code == 403

    approved = roles.client.post("/librarian/approvals/approve", data={"asset_id": ids["Keep me"]}, headers=librarian)
    assert (approved.status_code, approved.headers["location"]) == (303, "/librarian/approvals?notice=approved")
    no_reason = roles.client.post("/librarian/approvals/reject", data={"asset_id": ids["Drop me"]}, headers=librarian)
    assert no_reason.status_code == 422
    rejected = roles.client.post(
        "/librarian/approvals/reject", data={"asset_id": ids["Drop me"], "reason": "blurred"}, headers=librarian
    )
    assert rejected.status_code == 303
    statuses = {roles.services.store.get(i).status for i in ids.values()}
    assert statuses == {AssetStatus.approved, AssetStatus.retired}
    after = roles.client.get("/librarian/approvals?notice=rejected", headers=librarian).text
    assert "your reason is in the audit log" in after and "Keep me</a>" not in after
