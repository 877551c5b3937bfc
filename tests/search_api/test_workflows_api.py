"""Librarian and analyst workflows through the API, against planted ground truth."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.registry import Encoders
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users

TODAY = date.today()
COMPLETE = {
    "description": "A complete record.",
    "tags": ["ok"],
    "taxonomy": ["Things"],
    "license_expires": TODAY + timedelta(days=400),
}


def library() -> list[Asset]:
    return [
        Asset(id="full-1", title="Sunflower field at dusk", **COMPLETE),
        Asset(id="full-2", title="Harbour cranes", **COMPLETE, groups=["brand"]),
        Asset(id="camera-name", title="IMG_0412", **{**COMPLETE, "tags": []}),
        Asset(id="no-taxonomy", title="Mountain lake", **{**COMPLETE, "taxonomy": []}),
        Asset(id="no-licence", title="Desert road", **{**COMPLETE, "license_expires": None}),
        Asset(id="expired", title="Old campaign poster", **{**COMPLETE, "license_expires": TODAY - timedelta(days=3)}),
        Asset(id="expiring", title="Spring banner", **{**COMPLETE, "license_expires": TODAY + timedelta(days=5)}),
        Asset(id="sofa-1", title="Grey sofa in a living room", **COMPLETE, groups=["brand"]),
    ]


@pytest.fixture(scope="module")
def app_and_keys(
    tmp_path_factory: pytest.TempPathFactory, encoders: Encoders
) -> Iterator[tuple[TestClient, dict[Role, str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("workflows"))
    store = open_store(settings)
    text = encoders.text()
    assert text is not None
    assets = [a.model_copy(update={"text_vector": text.encode_texts([a.title])[0].tolist()}) for a in library()]
    store.upsert(assets)
    app = create_app(settings, store=store, encoders=encoders)
    with TestClient(app) as client:
        keys = seed_role_users(app.state.services.accounts)
        yield client, keys
    store.close()


def as_role(app_and_keys: tuple[TestClient, dict[Role, str]], role: Role) -> tuple[TestClient, dict[str, str]]:
    client, keys = app_and_keys
    return client, bearer(keys[role])


def test_incomplete_report_lists_exactly_the_planted_assets(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.librarian)
    report = client.get("/api/librarian/incomplete", headers=auth).json()
    assert {i["asset"]["id"]: i["missing"] for i in report["assets"]} == {
        "camera-name": ["title", "tags"],
        "no-taxonomy": ["taxonomy"],
        "no-licence": ["license"],
    }
    assert report["counts"] == {"title": 1, "tags": 1, "taxonomy": 1, "description": 0, "license": 1}
    only = client.get("/api/librarian/incomplete", params={"field": "taxonomy"}, headers=auth).json()
    assert [i["asset"]["id"] for i in only["assets"]] == ["no-taxonomy"]
    exported = client.get("/api/librarian/incomplete", params={"format": "csv"}, headers=auth)
    assert exported.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(exported.text)))) == 4


def test_licence_report_is_exact(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.librarian)
    report = client.get("/api/librarian/licences", params={"days": 30}, headers=auth).json()
    assert [a["id"] for a in report["expired"]] == ["expired"]
    assert [a["id"] for a in report["expiring"]] == ["expiring"]


def test_expired_assets_are_hidden_from_viewers_but_flagged_for_librarians(
    app_and_keys: tuple[TestClient, dict[Role, str]],
) -> None:
    client, librarian = as_role(app_and_keys, Role.librarian)
    hits = client.get("/api/search", params={"q": "poster", "mode": "keyword"}, headers=librarian).json()["hits"]
    assert [(h["asset"]["id"], h["asset"]["license_state"]) for h in hits] == [("expired", "expired")]
    _, analyst = as_role(app_and_keys, Role.analyst)
    body = client.get("/api/search", params={"q": "poster", "mode": "keyword"}, headers=analyst).json()
    assert "expired" not in {h["asset"]["id"] for h in body["hits"]}


def test_rescue_fires_only_when_keyword_search_is_empty(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.admin)
    found = client.get("/api/search", params={"q": "sofa", "mode": "keyword"}, headers=auth).json()
    assert not found["rescued"] and found["hits"][0]["asset"]["id"] == "sofa-1"
    rescued = client.get("/api/search", params={"q": "couch", "mode": "keyword"}, headers=auth).json()
    assert rescued["rescued"] and rescued["mode"] == "semantic"
    assert rescued["hits"][0]["asset"]["id"] == "sofa-1"
    assert any("showing the closest by meaning" in n for n in rescued["notes"])
    assert rescued["total"] == len(rescued["hits"]) <= 12
    for mode, word in (("keyword", "qwxzv"), ("semantic", "vbnqzk"), ("hybrid", "zxqwvj")):
        nonsense = client.get("/api/search", params={"q": word, "mode": mode}, headers=auth).json()
        assert (nonsense["total"], nonsense["hits"], nonsense["rescued"]) == (0, [], False), mode


def test_vocabulary_synonyms_feed_keyword_search(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.librarian)
    upload = {"file": ("vocab.csv", b"term,kind,synonyms\nsofa,tag,couch;settee\nThings/Furniture,taxonomy,\n")}
    assert client.post("/api/librarian/vocabulary/import", files=upload, headers=auth).json() == {"imported": 2}
    body = client.get("/api/search", params={"q": "settee", "mode": "keyword"}, headers=auth).json()
    assert not body["rescued"] and body["hits"][0]["asset"]["id"] == "sofa-1"


def test_zero_result_report_counts_exactly_the_planted_searches(
    app_and_keys: tuple[TestClient, dict[Role, str]],
) -> None:
    client, viewer = as_role(app_and_keys, Role.viewer)
    for q in ["unicorn", "Unicorn ", "zebra crossing", "unicorn"]:
        client.get("/api/search", params={"q": q, "mode": "keyword"}, headers=viewer)
    _, admin = as_role(app_and_keys, Role.admin)
    for q in ["sunflower", "harbour"]:
        client.get("/api/search", params={"q": q, "mode": "keyword"}, headers=admin)
    app = client.app
    app.state.services.recorder.flush()  # type: ignore[attr-defined]
    _, analyst = as_role(app_and_keys, Role.analyst)
    report = client.get("/api/analytics/zero-results", headers=analyst).json()
    counts = {q["query"]: q["searches"] for q in report["queries"]}
    assert counts["unicorn"] == 3 and counts["zebra crossing"] == 1
    assert "sunflower" not in counts
    assert report["queries"][0]["groups"] == {"science": 3}
    exported = client.get("/api/analytics/zero-results", params={"format": "csv"}, headers=analyst).text
    assert exported.splitlines()[0].startswith("query,searches")


def test_clicks_feed_click_through(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.admin)
    body = client.get("/api/search", params={"q": "harbour cranes", "mode": "keyword"}, headers=auth).json()
    click = {"query_id": body["query_id"], "asset_id": "full-2", "position": 1}
    assert client.post("/api/events/click", json=click, headers=auth).status_code == 202
    missing = client.post("/api/events/click", json={**click, "asset_id": "nope"}, headers=auth)
    assert missing.status_code == 404
    client.app.state.services.recorder.flush()  # type: ignore[attr-defined]
    stats = {s["query"]: s for s in client.get("/api/analytics/top-queries", headers=auth).json()}
    assert stats["harbour cranes"]["clicks"] == 1 and stats["harbour cranes"]["click_through_rate"] == 1.0
    popular = client.get("/api/analytics/popular-assets", headers=auth).json()
    assert popular[0]["asset_id"] == "full-2"
    _, viewer = as_role(app_and_keys, Role.viewer)
    assert client.get("/api/analytics/popular-assets", headers=viewer).status_code == 403


def test_tag_suggestion_accept_shows_in_search_and_is_audited(
    app_and_keys: tuple[TestClient, dict[Role, str]],
) -> None:
    client, auth = as_role(app_and_keys, Role.librarian)
    client.put("/api/librarian/vocabulary", json=[{"term": "lake", "kind": "tag", "synonyms": ["tarn"]}], headers=auth)
    suggestions = client.get("/api/assets/no-taxonomy/suggestions", headers=auth).json()
    assert "lake" in [s["term"] for s in suggestions]
    accepted = client.post(
        "/api/assets/no-taxonomy/suggestions", json={"term": "lake", "decision": "accepted"}, headers=auth
    ).json()
    assert "lake" in accepted["tags"]
    hits = client.get("/api/search", params={"tag": "lake", "mode": "keyword"}, headers=auth).json()["hits"]
    assert [h["asset"]["id"] for h in hits] == ["no-taxonomy"]
    again = client.get("/api/assets/no-taxonomy/suggestions", headers=auth).json()
    assert "lake" not in [s["term"] for s in again]
    audit = client.get("/api/admin/audit", params={"target": "asset:no-taxonomy"}, headers=auth).json()
    assert [e["action"] for e in audit][:2] == ["suggestion.accepted", "asset.edit"]
    assert audit[1]["changes"]["tags"] == [["ok"], ["ok", "lake"]]


def test_bulk_edit_respects_edit_rights(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, librarian = as_role(app_and_keys, Role.librarian)
    edit = {"ids": ["full-1", "full-2", "ghost"], "add_tags": ["campaign-2026"]}
    report = client.post("/api/librarian/bulk", json=edit, headers=librarian).json()
    assert report == {
        "updated": ["full-1", "full-2"],
        "unchanged": [],
        "forbidden": [],
        "not_found": ["ghost"],
        "conflicts": [],
    }
    _, contributor = as_role(app_and_keys, Role.contributor)
    denied = client.post("/api/librarian/bulk", json=edit, headers=contributor).json()
    assert denied["updated"] == [] and set(denied["forbidden"]) | set(denied["not_found"]) == set(edit["ids"])
    _, viewer = as_role(app_and_keys, Role.viewer)
    assert client.post("/api/librarian/bulk", json=edit, headers=viewer).status_code == 403
    assert client.patch("/api/assets/full-1", json={"title": "x"}, headers=viewer).status_code in (403, 404)


def test_workflow_surfaces_are_role_gated(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, keys = app_and_keys
    expectations = {
        "/api/librarian/incomplete": {Role.admin, Role.librarian},
        "/api/analytics/top-queries": {Role.admin, Role.librarian, Role.analyst},
        "/api/admin/users": {Role.admin},
        "/api/admin/audit": {Role.admin, Role.librarian},
    }
    for url, allowed in expectations.items():
        for role in Role:
            status = client.get(url, headers=bearer(keys[role])).status_code
            assert status == (200 if role in allowed else 403), (url, role)
        assert client.get(url).status_code == 401


def test_searches_by_image_are_logged_with_their_clicks(app_and_keys: tuple[TestClient, dict[Role, str]]) -> None:
    client, auth = as_role(app_and_keys, Role.admin)
    services = client.app.state.services  # type: ignore[attr-defined]
    services.recorder.flush()
    searches, clicks = services.search_log.counts()
    image = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(image, "PNG")
    files = {"file": ("query.png", image.getvalue(), "image/png")}

    body = client.post("/api/search/image", files=files, headers=auth).json()

    assert body["query_id"]  # this library has no image vectors: the search finds nothing, and is logged
    click = {"query_id": body["query_id"], "asset_id": "full-1", "position": 1}
    assert client.post("/api/events/click", json=click, headers=auth).status_code == 202
    services.recorder.flush()
    assert services.search_log.counts() == (searches + 1, clicks + 1)
    per_day = client.get("/api/analytics/searches-per-day", headers=auth).json()
    assert sum(day["count"] for day in per_day) == searches + 1
