"""Librarian pages end to end over a planted library: reports list exactly the planted assets and
each action (scan, keep, not-duplicate, vocabulary edits, bulk edit) changes what it should."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.principal import Role
from loupe_core.schema import AssetStatus
from tests.accounts_fixture import PASSWORD
from tests.web.conftest import Roles


@pytest.fixture
def librarian(roles: Roles) -> dict[str, str]:
    return roles.headers[Role.librarian]


def page(roles: Roles, url: str, headers: dict[str, str]) -> str:
    response = roles.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.text


def test_incomplete_report_counts_filters_and_links_the_csv(roles: Roles, librarian: dict[str, str]) -> None:
    only_tags = page(roles, "/librarian/incomplete?field=tags", librarian)
    assert "wf/camera-name" in only_tags and "/assets/wf/original" not in only_tags
    assert 'href="/api/librarian/incomplete?field=tags&amp;format=csv"' in only_tags
    assert 'aria-current="true">Tags <span class="count">' in only_tags

    owned = page(roles, "/librarian/incomplete?owner=contributor", librarian)
    assert "IMG_0412" in owned and "Tabby" not in owned
    assert '<span class="count">1</span>' in owned


def test_licence_report_splits_expired_and_expiring(roles: Roles, librarian: dict[str, str]) -> None:
    html = page(roles, "/librarian/licences?days=30", librarian)
    expired, expiring = html.split("Expiring within 30 days", 1)
    assert "Old poster" in expired and "Spring banner" not in expired
    assert "Spring banner" in expiring
    assert "Spring banner" not in page(roles, "/librarian/licences?days=1", librarian)
    assert 'href="/api/librarian/licences?days=30&amp;format=csv"' in html


def test_scan_then_keep_one_of_an_exact_pair(roles: Roles, librarian: dict[str, str]) -> None:
    scan = roles.client.post("/librarian/duplicates/refresh", data={"queue": "exact"}, headers=librarian)
    assert scan.status_code == 303 and scan.headers["location"] == "/librarian/duplicates?queue=exact&notice=scanned"
    queue = page(roles, scan.headers["location"], librarian)
    assert "Duplicate scan finished." in queue
    assert 'value="wf/original" checked' in queue and 'value="wf/copy"' in queue

    kept = roles.client.post(
        "/librarian/duplicates/merge",
        data={
            "queue": "exact",
            "keeper": "wf/original",
            "members": ["wf/original", "wf/copy"],
            "merge_metadata": "false",
        },
        headers=librarian,
    )
    assert kept.status_code == 303 and kept.headers["location"].endswith("notice=kept")
    assert roles.services.store.get("wf/copy").status is AssetStatus.retired
    assert roles.services.store.get("wf/original").status is AssetStatus.approved
    assert 'value="wf/copy"' not in page(roles, "/librarian/duplicates?queue=exact", librarian)


def test_marking_a_pair_as_different_removes_its_cluster(roles: Roles, librarian: dict[str, str]) -> None:
    roles.client.post("/librarian/duplicates/refresh", data={"queue": "exact"}, headers=librarian)
    assert 'value="wf/twin-b"' in page(roles, "/librarian/duplicates?queue=exact", librarian)
    html = page(roles, "/assets/wf/twin-a/duplicates", {**librarian, "HX-Request": "true"})
    assert "Exact:" in html and "Twin B" in html and "<html" not in html

    done = roles.client.post(
        "/librarian/duplicates/not-duplicate",
        data={"queue": "exact", "a": "wf/twin-b", "b": "wf/twin-a"},
        headers=librarian,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("notice=not-duplicate")
    assert 'value="wf/twin-b"' not in page(roles, "/librarian/duplicates?queue=exact", librarian)
    assert "No duplicates of this asset" in page(roles, "/assets/wf/twin-a/duplicates", librarian)


def test_merge_needs_a_known_queue_and_two_members(roles: Roles, librarian: dict[str, str]) -> None:
    bad = roles.client.post(
        "/librarian/duplicates/merge", data={"queue": "exact", "keeper": "wf/original", "members": ["wf/original"]},
        headers=librarian,
    )  # fmt: skip
    assert bad.status_code == 422 and "members" in bad.text


def test_vocabulary_add_rename_delete_and_import(roles: Roles, librarian: dict[str, str]) -> None:
    added = roles.client.post(
        "/librarian/vocabulary", data={"term": "sofa", "kind": "tag", "synonyms": "couch; settee"}, headers=librarian
    )
    assert added.status_code == 303 and added.headers["location"] == "/librarian/vocabulary?notice=term-saved"
    assert [t.synonyms for t in roles.services.vocabulary.terms() if t.term == "sofa"] == [["couch", "settee"]]
    editing = page(roles, "/librarian/vocabulary?edit=sofa", librarian)
    assert 'value="couch, settee"' in editing and "Edit “sofa”" in editing

    roles.client.post(
        "/librarian/vocabulary",
        data={"original": "sofa", "term": "Furniture/Sofa", "kind": "taxonomy"},
        headers=librarian,
    )
    assert {t.term for t in roles.services.vocabulary.terms()} == {"Furniture/Sofa"}

    csv_file = ("terms.csv", b"term,kind,synonyms\nlighthouse,tag,beacon\n", "text/csv")
    assert (
        roles.client.post("/librarian/vocabulary/import", files={"file": csv_file}, headers=librarian).status_code
        == 303
    )
    skos = {"concepts": [{"prefLabel": "Places"}, {"prefLabel": "Coast", "broader": "Places", "altLabel": ["shore"]}]}
    json_file = ("terms.json", json.dumps(skos).encode(), "application/json")
    assert (
        roles.client.post("/librarian/vocabulary/import", files={"file": json_file}, headers=librarian).status_code
        == 303
    )
    assert {t.term for t in roles.services.vocabulary.terms()} >= {"lighthouse", "Places/Coast"}

    deleted = roles.client.post("/librarian/vocabulary/delete", data={"term": "lighthouse"}, headers=librarian)
    assert deleted.headers["location"].endswith("notice=term-deleted")
    listing = page(roles, "/librarian/vocabulary?notice=term-deleted", librarian)
    assert "Vocabulary term deleted." in listing and ">lighthouse<" not in listing

    broken = ("terms.csv", b"name,kind\nx,tag\n", "text/csv")
    refused = roles.client.post("/librarian/vocabulary/import", files={"file": broken}, headers=librarian)
    assert refused.status_code == 400 and "needs a header with at least a `term` column" in refused.text


def test_notices_only_show_known_messages(roles: Roles, librarian: dict[str, str]) -> None:
    html = page(roles, "/librarian/vocabulary?notice=<b>pwned</b>", librarian)

    assert "pwned" not in html


def test_bulk_edit_reports_each_asset_and_links_back(roles: Roles) -> None:
    response = roles.client.post(
        "/librarian/bulk",
        data={"ids": ["wf/camera-name", "wf/original", "wf/expiring"], "add_tags": "spring, campaign",
              "set_status": "draft", "return_to": "/?q=spring"},
        headers=roles.headers[Role.contributor],
    )  # fmt: skip
    assert response.status_code == 200
    updated, rest = response.text.split("Not allowed", 1)
    forbidden, missing = rest.split("Not found", 1)
    assert "wf/camera-name" in updated and "wf/original" in forbidden and "wf/expiring" in missing
    assert 'href="/?q=spring"' in response.text
    changed = roles.services.store.get("wf/camera-name")
    assert changed.tags == ["spring", "campaign"] and changed.status is AssetStatus.draft


@pytest.mark.parametrize("return_to", ["https://evil.example/", "//evil.example"])
def test_bulk_edit_never_links_off_site(roles: Roles, return_to: str) -> None:
    response = roles.client.post(
        "/librarian/bulk", data={"ids": ["wf/original"], "return_to": return_to}, headers=roles.headers[Role.librarian]
    )
    assert response.status_code == 200 and 'href="/">Back to the search' in response.text


def test_bulk_edit_without_a_selection_says_so(roles: Roles) -> None:
    response = roles.client.post("/librarian/bulk", data={"add_tags": "x"}, headers=roles.headers[Role.librarian])

    assert response.status_code == 400 and "select at least one result" in response.text


def test_session_writes_need_the_csrf_token(roles: Roles) -> None:
    roles.services.accounts.add_user("session-librarian", Role.librarian, [], PASSWORD, actor="test")
    with TestClient(roles.client.app, follow_redirects=False) as browser:
        browser.post("/login", data={"username": "session-librarian", "password": PASSWORD})
        html = browser.get("/librarian/vocabulary").text
        token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

        forged = browser.post("/librarian/vocabulary", data={"term": "forged"})
        assert forged.status_code == 403 and "CSRF" in forged.text
        sent = browser.post("/librarian/vocabulary", data={"term": "genuine", "csrf_token": token})
        assert sent.status_code == 303
        via_header = browser.post(
            "/librarian/duplicates/refresh", data={"queue": "near"}, headers={"X-CSRF-Token": token}
        )
        assert via_header.status_code == 303
    assert "forged" not in {t.term for t in roles.services.vocabulary.terms()}


def test_queue_tabs_mark_the_current_queue(roles: Roles, librarian: dict[str, str]) -> None:
    for queue in DuplicateQueue:
        html = page(roles, f"/librarian/duplicates?queue={queue.value}", librarian)
        assert f'href="/librarian/duplicates?queue={queue.value}" aria-current="page"' in html


def test_bulk_edit_moves_assets_to_other_groups_and_owners(roles: Roles) -> None:
    refused = roles.client.post(
        "/librarian/bulk",
        data={"ids": ["wf/camera-name"], "set_groups": "everyone"},
        headers=roles.headers[Role.contributor],
    )
    assert "Not allowed" in refused.text and "everyone" not in roles.services.store.get("wf/camera-name").groups
    response = roles.client.post(
        "/librarian/bulk",
        data={"ids": ["wf/camera-name", "wf/original"], "set_groups": "legal, brand", "set_owner": "lia"},
        headers=roles.headers[Role.librarian],
    )
    assert response.status_code == 200
    for asset_id in ("wf/camera-name", "wf/original"):
        asset = roles.services.store.get(asset_id)
        assert (asset.groups, asset.owner, asset.provenance["groups"]) == (["legal", "brand"], "lia", "edited")


def test_a_near_pair_shows_what_matched_on_the_page_and_in_the_api(roles: Roles, librarian: dict[str, str]) -> None:
    said = "same scene, 61 % overlap, rotated 4°, 87 matching points"
    db = roles.services.librarian_db
    with db.write() as tx:
        tx.execute(
            "INSERT INTO duplicate_pairs(a, b, queue, score, explanation) VALUES (?, ?, 'near', 0.61, ?)",
            ("wf/camera-name", "wf/original", said),
        )
    try:
        assert f"({said})" in page(roles, "/librarian/duplicates?queue=near", librarian)
        clusters = roles.client.get("/api/librarian/duplicates?queue=near", headers=librarian).json()
        assert [p["explanation"] for c in clusters for p in c["pairs"]] == [said]
    finally:
        with db.write() as tx:
            tx.execute("DELETE FROM duplicate_pairs WHERE a = 'wf/camera-name' AND b = 'wf/original'")
