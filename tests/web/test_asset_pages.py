"""The asset page: grouped metadata, inline edit and tag suggestions (htmx and plain), previews."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image

from loupe_core.librarian.vocabulary import VocabularyTerm
from loupe_core.principal import Role
from loupe_core.schema import Asset
from tests.web.conftest import Roles
from web.asset_metadata import metadata_sections

HTMX = {"HX-Request": "true"}


def test_metadata_is_grouped_with_new_fields_and_provenance(roles: Roles) -> None:
    html = roles.client.get("/assets/wf/finance", headers=roles.headers[Role.librarian]).text

    for caption in ("<caption>Description</caption>", "<caption>Rights</caption>", "<caption>Technical</caption>"):
        assert caption in html
    assert '<th scope="row">Camera make</th><td dir="auto">Fujifilm</td>' in html
    assert 'fill="#ff0000"' in html and "<code>not-a-colour</code>" in html and 'fill="not-a-colour"' not in html
    assert "Where the metadata came from" in html and "iptc" in html


def test_fields_the_page_has_not_heard_of_still_show() -> None:
    class FutureAsset(Asset):
        shoot_location_name: str | None = None

    asset = FutureAsset(id="x", title="T", shoot_location_name="Lisbon", path="/srv/originals/x.jpg")
    sections = {s.title: {row.label: row.value for row in s.rows} for s in metadata_sections(asset, date(2025, 1, 1))}

    assert sections["Other"] == {"Shoot location name": "Lisbon"}
    assert "/srv/originals/x.jpg" not in str(sections)  # server paths never show


def test_inline_edit_swaps_the_metadata_and_heading(roles: Roles) -> None:
    contributor = roles.headers[Role.contributor]
    form = roles.client.get("/assets/wf/camera-name/edit", headers={**contributor, **HTMX})
    assert form.status_code == 200 and "<html" not in form.text
    assert 'hx-post="/assets/wf/camera-name/edit"' in form.text and 'value="IMG_0412"' in form.text

    saved = roles.client.post(
        "/assets/wf/camera-name/edit",
        data={"title": "Harbour cranes at night", "tags": "cranes, night", "taxonomy": "Places/Port\nThings",
              "status": "approved", "license_expires": "", "description": "Cranes.", "credit": ""},
        headers={**contributor, **HTMX},
    )  # fmt: skip
    assert saved.status_code == 200
    assert '<div id="asset-facts" class="asset-facts">' in saved.text
    assert '<h1 id="asset-title" dir="auto" hx-swap-oob="true">Harbour cranes at night</h1>' in saved.text
    asset = roles.services.store.get("wf/camera-name")
    assert (asset.title, asset.tags, asset.taxonomy) == (
        "Harbour cranes at night",
        ["cranes", "night"],
        ["Places/Port", "Things"],
    )
    assert asset.license_expires == date(2999, 1, 1)  # an empty date field keeps the date


def test_edit_without_javascript_redirects_back(roles: Roles) -> None:
    page = roles.client.get("/assets/wf/original/edit", headers=roles.headers[Role.librarian])
    assert "<html" in page.text and "<h1>Edit metadata</h1>" in page.text

    saved = roles.client.post(
        "/assets/wf/original/edit",
        data={"title": "Harbour at dawn", "status": "approved"},
        headers=roles.headers[Role.librarian],
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/assets/wf/original"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"title": "x" * 1001}, 422, "title"),
        ({"status": "deleted"}, 422, "status"),
        ({"license_expires": "soon"}, 422, "license_expires"),
    ],
)
def test_invalid_edits_are_refused_with_a_message(
    roles: Roles, data: dict[str, str], status: int, message: str
) -> None:
    response = roles.client.post("/assets/wf/original/edit", data=data, headers=roles.headers[Role.librarian])

    assert response.status_code == status and message in response.text


def test_contributors_cannot_edit_what_they_do_not_own(roles: Roles) -> None:
    response = roles.client.post(
        "/assets/wf/original/edit", data={"title": "mine"}, headers=roles.headers[Role.contributor]
    )

    assert response.status_code == 403
    assert roles.services.store.get("wf/original").title != "mine"


def test_accepting_a_suggestion_adds_the_tag_and_refreshes_both_panels(roles: Roles) -> None:
    roles.services.vocabulary.upsert([VocabularyTerm(term="harbour", synonyms=["port"])])
    librarian = {**roles.headers[Role.librarian], **HTMX}

    response = roles.client.post(
        "/assets/wf/original/suggestions", data={"term": "harbour", "decision": "accepted"}, headers=librarian
    )

    assert response.status_code == 200
    assert '<div id="suggestions" class="suggestions">' in response.text
    assert '<div id="asset-facts" class="asset-facts" hx-swap-oob="true">' in response.text
    assert 'href="/?tag=harbour"' in response.text
    assert "harbour" in roles.services.store.get("wf/original").tags
    assert roles.services.suggester.decided("wf/original") == {"harbour": "accepted"}


def test_rejecting_without_javascript_redirects_and_unknown_terms_are_refused(roles: Roles) -> None:
    roles.services.vocabulary.upsert([VocabularyTerm(term="boat")])
    librarian = roles.headers[Role.librarian]

    rejected = roles.client.post(
        "/assets/wf/original/suggestions", data={"term": "boat", "decision": "rejected"}, headers=librarian
    )
    unknown = roles.client.post(
        "/assets/wf/original/suggestions", data={"term": "ufo", "decision": "accepted"}, headers=librarian
    )

    assert rejected.status_code == 303 and rejected.headers["location"] == "/assets/wf/original"
    assert "boat" not in roles.services.store.get("wf/original").tags
    assert unknown.status_code == 400 and "not in the vocabulary" in unknown.text


def test_preview_is_served_from_the_previews_folder_only(roles: Roles) -> None:
    settings = roles.services.settings
    settings.previews_dir.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), "teal").save(settings.previews_dir / "p.webp")
    roles.services.store.upsert(
        [Asset(id="wf/previewed", title="Previewed", preview="p.webp", thumbnail="p.webp"),
         Asset(id="wf/escape", title="Escape", preview="../accounts.sqlite3")]
    )  # fmt: skip
    roles.services.store.refresh()
    admin = roles.headers[Role.admin]

    served = roles.client.get("/assets/wf/previewed/preview", headers=admin)
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert (
        'src="/assets/wf/previewed/preview" alt="Previewed"'
        in roles.client.get("/assets/wf/previewed", headers=admin).text
    )
    assert roles.client.get("/assets/wf/escape/preview", headers=admin).status_code == 404
    assert roles.client.get("/assets/wf/original/preview", headers=admin).status_code == 404


def test_a_save_that_meets_someone_elses_shows_both_and_keeps_what_you_typed(roles: Roles) -> None:
    librarian = roles.headers[Role.librarian]
    form = roles.client.get("/assets/wf/original/edit", headers=librarian).text
    seen = form.split('name="version" value="', 1)[1].split('"', 1)[0]
    roles.client.patch("/api/assets/wf/original", json={"title": "Their harbour"}, headers=librarian)

    typed = {"title": "My harbour", "status": "approved", "version": seen}
    clash = roles.client.post("/assets/wf/original/edit", data=typed, headers={**librarian, **HTMX})

    assert clash.status_code == 409 and "Traceback" not in clash.text
    assert 'value="My harbour"' in clash.text  # what you typed is still in the form
    assert 'Now saved by someone else: <q dir="auto">Their harbour</q>' in clash.text
    current = roles.client.get("/api/assets/wf/original", headers=librarian).headers["ETag"].strip('"')
    assert f'name="version" value="{current}"' in clash.text
    assert roles.services.store.get("wf/original").title == "Their harbour"

    again = roles.client.post("/assets/wf/original/edit", data={**typed, "version": current}, headers=librarian)
    assert again.status_code == 303 and roles.services.store.get("wf/original").title == "My harbour"


def test_contributors_may_narrow_who_sees_their_asset_but_not_widen_it(roles: Roles) -> None:
    contributor = roles.headers[Role.contributor]
    before = roles.services.store.get("wf/camera-name")
    widened = roles.client.post(
        "/assets/wf/camera-name/edit",
        data={
            "title": before.title,
            "status": before.status.value,
            "groups": ", ".join([*before.groups, "legal"]),
            "groups_shown": "true",
        },
        headers=contributor,
    )
    assert widened.status_code == 403 and "adding legal widens it" in widened.text
    assert "edit-owner" not in roles.client.get("/assets/wf/camera-name/edit", headers=contributor).text

    narrowed = roles.client.post(
        "/assets/wf/camera-name/edit",
        data={"title": before.title, "status": before.status.value, "groups": "", "groups_shown": "true"},
        headers=contributor,
    )
    assert narrowed.status_code == 303
    assert roles.services.store.get("wf/camera-name").groups == []
    handed = roles.client.patch("/api/assets/wf/camera-name", json={"owner": "someone"}, headers=contributor)
    assert handed.status_code == 403 and "owner" in handed.json()["detail"]
