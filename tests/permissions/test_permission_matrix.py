"""Every role x every surface x both backends: a user sees exactly what their rights allow.
Searches additionally hide expired licences from non-librarians (LOUPE_SHOW_EXPIRED_TO_VIEWERS).

Expected sets come from the rule itself, computed here in Python: admins and librarians see
everything; others see assets they own or share a group with (drafts: only their own), minus
archived/retired ones.
Invisible assets answer 404 exactly like missing ones.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.principal import Role
from loupe_core.schema import Asset, LicenseState, taxonomy_ancestors
from tests.accounts_fixture import ROLE_GROUPS, bearer

Matrix = tuple[TestClient, dict[Role, str], list[Asset]]
ROLES = list(Role)


def visible_ids(role: Role, assets: list[Asset]) -> set[str]:
    if role in (Role.admin, Role.librarian):
        return {a.id for a in assets}
    groups = set(ROLE_GROUPS[role])
    return {
        a.id
        for a in assets
        if (a.owner == role.value or (groups & set(a.groups) and a.status.value != "draft"))
        and a.status.value not in ("archived", "retired")
    }


def searchable_ids(role: Role, assets: list[Asset]) -> set[str]:
    """Searches also hide expired licences from everyone but librarians and admins."""
    visible = visible_ids(role, assets)
    if role in (Role.admin, Role.librarian):
        return visible
    return {a.id for a in assets if a.id in visible and a.license_state(date.today()) is not LicenseState.expired}


def hit_ids(body: dict[str, object]) -> set[str]:
    return {h["asset"]["id"] for h in body["hits"]}  # type: ignore[index, union-attr]


@pytest.mark.parametrize("role", ROLES)
def test_browse_hits_and_facet_counts(matrix: Matrix, role: Role) -> None:
    client, keys, assets = matrix
    visible = searchable_ids(role, assets)
    body = client.get(
        "/api/search", params={"size": 100, "facet": ["taxonomy", "tags"]}, headers=bearer(keys[role])
    ).json()
    assert hit_ids(body) == visible and body["total"] == len(visible)
    expected: dict[str, int] = {}
    for asset in assets:
        if asset.id in visible:
            for path in {p for t in asset.taxonomy for p in taxonomy_ancestors(t)}:
                expected[path] = expected.get(path, 0) + 1
    assert {b["value"]: b["count"] for b in body["facets"]["taxonomy"]} == expected


@pytest.mark.parametrize("role", ROLES)
def test_keyword_semantic_and_hybrid_results(matrix: Matrix, role: Role) -> None:
    client, keys, assets = matrix
    visible = searchable_ids(role, assets)
    for q in ("cat coast space", "anything at all"):
        for mode in ("keyword", "semantic", "hybrid"):
            params = {"q": q, "mode": mode, "size": 100, "facet": ["status", "file_type"]}
            body = client.get("/api/search", params=params, headers=bearer(keys[role])).json()
            assert hit_ids(body) <= visible, mode
            # Totals and facets count exactly the result set (relevance floors included).
            assert body["total"] == len(body["hits"]), mode
            for facet in ("status", "file_type"):
                assert sum(b["count"] for b in body["facets"][facet]) == body["total"], (mode, facet)
    # Every visible neighbour, filtered inside k-NN, is checked without floors by "more like this" below.


@pytest.mark.parametrize("role", ROLES)
def test_more_like_this_and_search_by_image(matrix: Matrix, role: Role) -> None:
    client, keys, assets = matrix
    visible = searchable_ids(role, assets)
    seen = sorted(visible)[0]
    body = client.get(f"/api/assets/{seen}/similar", params={"size": 100}, headers=bearer(keys[role])).json()
    assert hit_ids(body) == visible - {seen}
    hidden = sorted({a.id for a in assets} - visible_ids(role, assets))
    if hidden:
        response = client.get(f"/api/assets/{hidden[0]}/similar", headers=bearer(keys[role]))
        assert response.status_code == 404
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "purple").save(buffer, "PNG")
    upload = client.post(
        "/api/search/image",
        params={"size": 100},
        files={"file": ("q.png", buffer.getvalue(), "image/png")},
        headers=bearer(keys[role]),
    ).json()
    assert hit_ids(upload) == visible


@pytest.mark.parametrize("role", ROLES)
def test_title_suggestions_name_only_assets_the_caller_may_open(matrix: Matrix, role: Role) -> None:
    client, keys, assets = matrix
    searchable = searchable_ids(role, assets)
    shown_titles = {(a.title or a.id).casefold() for a in assets if a.id in searchable}
    for asset in assets:
        word = (asset.title or asset.id).split()[0]
        params = {"q": word, "size": 20, "kind": "title"}
        response = client.get("/api/search/suggest", params=params, headers=bearer(keys[role]))
        assert response.status_code == 200
        suggested = response.json()
        assert {s["id"] for s in suggested} <= searchable, word
        titles = {s["title"].casefold() for s in suggested}
        if asset.id in searchable:
            assert (asset.title or asset.id).casefold() in titles, word
        elif (asset.title or asset.id).casefold() not in shown_titles:
            assert (asset.title or asset.id).casefold() not in titles, word


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "/thumbnail", "/file"])
def test_point_reads_are_404_when_invisible(matrix: Matrix, role: Role, suffix: str) -> None:
    client, keys, assets = matrix
    visible = visible_ids(role, assets)
    missing = client.get(f"/api/assets/no-such-asset{suffix}", headers=bearer(keys[role]))
    for asset in assets:
        response = client.get(f"/api/assets/{asset.id}{suffix}", headers=bearer(keys[role]))
        if asset.id in visible:
            assert response.status_code == 200, asset.id
        else:
            assert response.status_code == missing.status_code == 404, asset.id
            assert response.json()["error"] == missing.json()["error"]


def test_unauthenticated_and_bad_keys_get_401(matrix: Matrix) -> None:
    client, keys, _ = matrix
    for headers in ({}, bearer("lpk_nope_nope"), bearer(keys[Role.viewer] + "x"), {"X-API-Key": "garbage"}):
        response = client.get("/api/search", headers=headers)
        assert response.status_code == 401 and response.json()["error"] == "not_authenticated"


def test_analyst_reports_come_from_the_backends_own_log_and_hide_invisible_assets(matrix: Matrix) -> None:
    client, keys, assets = matrix
    services = client.app.state.services  # type: ignore[attr-defined]
    log_kind = {"embedded": "EmbeddedSearchLog", "opensearch": "OpenSearchSearchLog"}[services.settings.backend]
    assert type(services.search_log).__name__ == log_kind
    admin, analyst = bearer(keys[Role.admin]), bearer(keys[Role.analyst])
    for _ in range(2):
        client.get("/api/search", params={"q": "qqxzvvk", "mode": "keyword"}, headers=analyst)
    browse = client.get("/api/search", params={"size": 100}, headers=admin).json()
    shown = sorted(visible_ids(Role.analyst, assets))[0]
    hidden = sorted({a.id for a in assets} - visible_ids(Role.analyst, assets))[0]
    for asset_id in (shown, hidden):
        click = {"query_id": browse["query_id"], "asset_id": asset_id, "position": 1}
        assert client.post("/api/events/click", json=click, headers=admin).status_code == 202
    services.recorder.flush()

    zero = client.get("/api/analytics/zero-results", headers=analyst).json()
    assert {q["query"]: q["searches"] for q in zero["queries"]}["qqxzvvk"] == 2
    assert {p["asset_id"] for p in client.get("/api/analytics/popular-assets", headers=analyst).json()} == {shown}
    assert {p["asset_id"] for p in client.get("/api/analytics/popular-assets", headers=admin).json()} == {
        shown,
        hidden,
    }
