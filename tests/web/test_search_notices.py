"""Notices by audience: configuration problems reach admins and librarians (page and API), never
viewers or analysts, who read a plain sentence only when a feature they asked for is missing.

The `roles` app loads no models, so every search by meaning meets a missing-model problem."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from loupe_core.principal import Role
from tests.web.conftest import Roles

CONFIGURATION = "LOUPE_CLIP_MODEL"
"""Part of the operational notice (the setting to fix); never shown to non-staff."""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.mark.parametrize("role", [Role.admin, Role.librarian])
def test_staff_see_operational_notices(roles: Roles, role: Role) -> None:
    html = roles.client.get("/", params={"q": "cat"}, headers=roles.headers[role]).text
    assert '<ul class="notices" aria-label="Server notices">' in html and CONFIGURATION in html
    body = roles.client.get("/api/search", params={"q": "cat"}, headers=roles.headers[role]).json()
    assert any(CONFIGURATION in notice for notice in body["notices"])
    assert not any(CONFIGURATION in note for note in body["notes"])


@pytest.mark.parametrize("role", [Role.viewer, Role.analyst, Role.contributor])
def test_others_see_only_a_plain_sentence_when_their_feature_is_missing(roles: Roles, role: Role) -> None:
    hybrid = roles.client.get("/", params={"q": "cat"}, headers=roles.headers[role]).text
    assert CONFIGURATION not in hybrid and 'class="notices"' not in hybrid
    assert "available on this server" not in hybrid  # hybrid still answered: nothing they asked for is missing
    semantic = roles.client.get("/", params={"q": "cat", "mode": "semantic"}, headers=roles.headers[role]).text
    assert "Search by meaning isn&#39;t available on this server; showing keyword matches instead." in semantic
    assert CONFIGURATION not in semantic
    body = roles.client.get("/api/search", params={"q": "cat"}, headers=roles.headers[role]).json()
    assert body["notices"] == [] and not any(CONFIGURATION in note for note in body["notes"])


@pytest.mark.parametrize("role", [Role.viewer, Role.admin])
def test_search_by_image_without_a_model_is_a_plain_sentence(roles: Roles, role: Role) -> None:
    upload = {"file": ("q.png", PNG, "image/png")}
    response = roles.client.post("/api/search/image", files=upload, headers=roles.headers[role])
    assert response.status_code == 503
    assert "Search by image isn't available on this server." in response.text
    assert CONFIGURATION not in response.text and "disabled" not in response.text
