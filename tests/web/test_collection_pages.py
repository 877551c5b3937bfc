"""Collections and saved searches as pages: plain forms that redirect, with no JavaScript needed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from loupe_core.principal import Role
from loupe_core.schema import Asset
from tests.web.conftest import Roles


def post(roles: Roles, role: Role, url: str, data: dict[str, object]) -> str:
    """A form post; returns where it redirects to."""
    response = roles.client.post(url, data=data, headers=roles.headers[role])
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def page(roles: Roles, role: Role, url: str) -> str:
    response = roles.client.get(url, headers=roles.headers[role])
    assert response.status_code == 200, response.text
    return response.text


def test_results_can_be_ticked_into_a_collection_by_anyone_signed_in(roles: Roles) -> None:
    html = page(roles, Role.contributor, "/?q=harbour")
    assert 'id="collect-form"' in html and 'form="collect-form"' in html and 'id="bulk-form"' not in html
    assert 'action="/saved-searches?q=harbour"' in html

    location = post(
        roles, Role.contributor, "/collections/add", {"ids": ["wf/original", "wf/copy"], "collection": "new"}
    )
    assert re.fullmatch(r"/collections/[\w-]+", location)
    collection = page(roles, Role.contributor, location)
    assert '<h1 dir="auto">New collection</h1>' in collection
    assert '<span id="visible-count">2 items</span>' in collection
    assert 'data-asset-id="wf/original"' in collection and 'data-asset-id="wf/copy"' in collection
    assert f'href="/api/collections/{location.rsplit("/", 1)[1]}/download"' in collection

    assert post(roles, Role.contributor, location, {"name": "Harbours", "description": "For the brochure"}) == location
    renamed = page(roles, Role.contributor, location)
    assert '<h1 dir="auto">Harbours</h1>' in renamed and "For the brochure" in renamed
    picker = page(roles, Role.contributor, "/?q=harbour")
    assert f'<option value="{location.rsplit("/", 1)[1]}">Harbours</option>' in picker


def test_librarians_tick_once_for_bulk_edit_and_collections(roles: Roles) -> None:
    html = page(roles, Role.librarian, "/?q=harbour")
    assert 'id="bulk-form"' in html and 'form="bulk-form"' in html and 'id="collect-form"' not in html
    assert '<button type="submit" formaction="/collections/add" form="bulk-form">Add to collection</button>' in html


def test_the_asset_page_adds_and_removes(roles: Roles) -> None:
    location = post(roles, Role.contributor, "/collections", {"name": "From the asset page"})
    cid = location.rsplit("/", 1)[1]
    before = page(roles, Role.contributor, "/assets/wf/camera-name")
    assert f'<option value="{cid}">From the asset page</option>' in before

    assert post(roles, Role.contributor, "/collections/add", {"ids": ["wf/camera-name"], "collection": cid}) == location
    after = page(roles, Role.contributor, "/assets/wf/camera-name")
    assert f'<a href="/collections/{cid}" dir="auto">From the asset page</a>' in after
    assert f'action="/collections/{cid}/remove"' in after

    removed = post(roles, Role.contributor, f"/collections/{cid}/remove",
                   {"ids": ["wf/camera-name"], "return_to": "/assets/wf/camera-name"})  # fmt: skip
    assert removed == "/assets/wf/camera-name"
    assert "Nothing here you can see yet" in page(roles, Role.contributor, location)

    assert post(roles, Role.contributor, f"/collections/{cid}/delete", {}) == "/collections"
    assert roles.client.get(location, headers=roles.headers[Role.contributor]).status_code == 404


def test_a_shared_collection_page_counts_what_the_viewer_cannot_see(roles: Roles) -> None:
    location = post(
        roles, Role.librarian, "/collections/add", {"ids": ["wf/original", "wf/finance"], "collection": "new"}
    )
    cid = location.rsplit("/", 1)[1]
    owner_view = page(roles, Role.librarian, location)
    assert '<option value="viewer">Viewer</option>' in owner_view  # the share form lists every group
    assert post(roles, Role.librarian, f"{location}/shares", {"groups": ["science"], "roles": ["viewer"]}) == location

    seen = page(roles, Role.viewer, location)
    assert '<span id="visible-count">1 item</span>' in seen
    assert '<span id="hidden-count">1 item you can\'t see</span>' in seen
    assert "wf/finance" not in seen and "Quarterly revenue" not in seen
    assert 'action="/collections/' not in seen.split("<main", 1)[1].split("Download ZIP", 1)[1]  # no edit forms
    listed = page(roles, Role.viewer, "/collections")
    assert f'<a href="/collections/{cid}" dir="auto">New collection</a>' in listed and "1 item you can't see" in listed


def test_a_saved_search_shows_what_is_new_and_running_it_resets_the_count(roles: Roles) -> None:
    assert (
        post(roles, Role.viewer, "/saved-searches?q=lighthouse&mode=keyword", {"name": "Lighthouses"})
        == "/saved-searches"
    )
    listed = page(roles, Role.viewer, "/saved-searches")
    assert '<a href="/?q=lighthouse&amp;mode=keyword" dir="auto">Lighthouses</a>' in listed
    assert "nothing new" in listed

    new = Asset(id="wf/lighthouse", title="Lighthouse at night", groups=["science"], indexed_at=datetime.now(UTC))
    assert not roles.services.store.upsert([new]).failures
    roles.services.store.refresh()
    assert '<span class="badge new-results">1 new</span>' in page(roles, Role.viewer, "/saved-searches")

    saved_id = re.search(r'action="/saved-searches/([\w-]+)/run"', listed)
    assert saved_id
    assert post(roles, Role.viewer, f"/saved-searches/{saved_id.group(1)}/run", {}) == "/?q=lighthouse&mode=keyword"
    assert "nothing new" in page(roles, Role.viewer, "/saved-searches")

    assert post(roles, Role.viewer, f"/saved-searches/{saved_id.group(1)}", {"name": "Lights"}) == "/saved-searches"
    assert ">Lights</a>" in page(roles, Role.viewer, "/saved-searches")
    assert post(roles, Role.viewer, f"/saved-searches/{saved_id.group(1)}/delete", {}) == "/saved-searches"
    assert "No saved searches yet" in page(roles, Role.viewer, "/saved-searches")
