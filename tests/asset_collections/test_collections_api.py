"""Collections through the API on both backends: lifecycle, sharing, permissions, hidden items, the search filter."""

from __future__ import annotations

from typing import Any

from loupe_core.principal import Role
from tests.workspace_library import Served

SHARED_ITEMS = ["poster-red", "rocket", "rocket-old", "logo", "lost"]


def create(served: Served, role: Role, name: str, items: list[str] | None = None, **extra: str) -> dict[str, Any]:
    created: dict[str, Any] = served.call(role, "POST", "/api/collections", 201, json={"name": name, **extra})
    if items:
        served.call(role, "POST", f"/api/collections/{created['id']}/items", json={"ids": items})
    return created


def audit_actions(served: Served, collection_id: str) -> list[str]:
    accounts = served.client.app.state.services.accounts  # type: ignore[attr-defined]
    return [entry.action for entry in reversed(accounts.audit_log(f"collection:{collection_id}"))]


def item_ids(served: Served, role: Role, collection_id: str) -> list[str]:
    body = served.call(role, "GET", f"/api/collections/{collection_id}/items?size=100")
    return sorted(hit["asset"]["id"] for hit in body["results"]["hits"])


def search_ids(served: Served, role: Role, query: str, status: int = 200) -> list[str]:
    body = served.call(role, "GET", f"/api/search?mode=keyword&size=100&{query}", status)
    return sorted(hit["asset"]["id"] for hit in body["hits"]) if status == 200 else []


def test_an_owner_creates_renames_describes_and_deletes_a_collection(served: Served) -> None:
    created = create(served, Role.contributor, "  Spring   campaign ", description="Picks for April")
    cid = created["id"]
    fields = ("name", "description", "owner", "access", "shares", "visible_count", "hidden_count")
    assert {k: created[k] for k in fields} == {
        "name": "Spring campaign", "description": "Picks for April", "owner": "contributor", "access": "owner",
        "shares": {}, "visible_count": 0, "hidden_count": 0,
    }  # fmt: skip
    assert created["download_url"] == f"/api/collections/{cid}/download"

    renamed = served.call(Role.contributor, "PATCH", f"/api/collections/{cid}", json={"name": "Summer campaign"})
    assert (renamed["name"], renamed["description"]) == ("Summer campaign", "Picks for April")
    described = served.call(Role.contributor, "PATCH", f"/api/collections/{cid}", json={"description": "For July"})
    assert (described["name"], described["description"]) == ("Summer campaign", "For July")
    listed = served.call(Role.contributor, "GET", "/api/collections")
    assert [(c["id"], c["name"]) for c in listed if c["id"] == cid] == [(cid, "Summer campaign")]

    served.call(Role.contributor, "DELETE", f"/api/collections/{cid}", 204)
    served.call(Role.contributor, "GET", f"/api/collections/{cid}", 404)
    assert cid not in {c["id"] for c in served.call(Role.contributor, "GET", "/api/collections")}
    assert audit_actions(served, cid) == [
        "collection.create", "collection.describe", "collection.describe", "collection.delete",
    ]  # fmt: skip


def test_items_are_added_and_removed_only_when_the_caller_can_see_them(served: Served) -> None:
    cid = create(served, Role.contributor, "Posters")["id"]
    url = f"/api/collections/{cid}/items"
    added = served.call(
        Role.contributor, "POST", url, json={"ids": ["poster-red", "poster-blue", "storm", "logo", "nope"]}
    )
    assert added == {"changed": ["poster-red", "poster-blue", "storm"], "unchanged": [], "refused": ["logo", "nope"]}
    again = served.call(Role.contributor, "POST", url, json={"ids": ["poster-red"]})
    assert again == {"changed": [], "unchanged": ["poster-red"], "refused": []}
    removed = served.call(Role.contributor, "DELETE", f"{url}?id=storm&id=nope")
    assert removed == {"changed": ["storm"], "unchanged": [], "refused": ["nope"]}
    assert item_ids(served, Role.contributor, cid) == ["poster-blue", "poster-red"]
    assert audit_actions(served, cid) == ["collection.create", "collection.add", "collection.remove"]


def test_a_shared_collection_hides_the_assets_a_viewer_cannot_see(served: Served) -> None:
    """The viewer (science) sees `rocket` and `lost`; `poster-red` (marketing), `logo` (brand) and the
    archived `rocket-old` are left out and only counted."""
    cid = create(served, Role.librarian, "Launch", SHARED_ITEMS)["id"]
    shared = served.call(
        Role.librarian, "PUT", f"/api/collections/{cid}/shares", json={"shares": {"science": "viewer"}}
    )
    assert (shared["shares"], shared["visible_count"], shared["hidden_count"]) == ({"science": "viewer"}, 5, 0)

    seen = served.call(Role.viewer, "GET", f"/api/collections/{cid}")
    assert (seen["access"], seen["visible_count"], seen["hidden_count"]) == ("viewer", 2, 3)
    assert item_ids(served, Role.viewer, cid) == ["lost", "rocket"]
    assert item_ids(served, Role.librarian, cid) == sorted(SHARED_ITEMS)
    assert [c["id"] for c in served.call(Role.viewer, "GET", "/api/collections") if c["id"] == cid] == [cid]

    for path in ("", "/items", "/download"):  # not shared with brand: it does not exist for the analyst
        served.call(Role.analyst, "GET", f"/api/collections/{cid}{path}", 404)
    assert cid not in {c["id"] for c in served.call(Role.analyst, "GET", "/api/collections")}
    assert audit_actions(served, cid) == ["collection.create", "collection.add", "collection.share"]


def test_viewers_read_editors_change_and_only_the_owner_manages(served: Served) -> None:
    cid = create(served, Role.librarian, "Brand review", ["poster-red", "logo"])["id"]
    shares = {"science": "viewer", "brand": "editor"}
    served.call(Role.librarian, "PUT", f"/api/collections/{cid}/shares", json={"shares": shares})
    items = f"/api/collections/{cid}/items"

    served.call(Role.viewer, "POST", items, 403, json={"ids": ["rocket"]})
    served.call(Role.viewer, "PATCH", f"/api/collections/{cid}", 403, json={"name": "Mine now"})

    editor = Role.analyst  # brand
    assert served.call(editor, "POST", items, json={"ids": ["logo", "rocket"]}) == {
        "changed": [], "unchanged": ["logo"], "refused": ["rocket"],
    }  # fmt: skip
    assert served.call(editor, "DELETE", f"{items}?id=poster-red") == {
        "changed": [], "unchanged": [], "refused": ["poster-red"],
    }  # fmt: skip
    assert served.call(editor, "DELETE", f"{items}?id=logo")["changed"] == ["logo"]
    assert (
        served.call(editor, "PATCH", f"/api/collections/{cid}", json={"name": "Brand review 2"})["access"] == "editor"
    )
    served.call(editor, "PUT", f"/api/collections/{cid}/shares", 403, json={"shares": {"brand": "viewer"}})
    served.call(editor, "DELETE", f"/api/collections/{cid}", 403)
    served.call(Role.contributor, "PATCH", f"/api/collections/{cid}", 404, json={"name": "Not shared with me"})
    served.call(
        Role.librarian, "PUT", f"/api/collections/{cid}/shares", 400, json={"shares": {"nobody-here": "viewer"}}
    )

    final = served.call(Role.librarian, "GET", f"/api/collections/{cid}")
    assert (final["name"], final["shares"], final["visible_count"]) == ("Brand review 2", shares, 1)


def test_a_collection_filters_a_search_and_never_widens_it(served: Served) -> None:
    cid = create(served, Role.librarian, "Everything launch", SHARED_ITEMS)["id"]
    served.call(Role.librarian, "PUT", f"/api/collections/{cid}/shares", json={"shares": {"science": "viewer"}})

    assert search_ids(served, Role.librarian, f"collection={cid}") == sorted(SHARED_ITEMS)
    assert search_ids(served, Role.viewer, f"collection={cid}") == ["lost", "rocket"]
    assert search_ids(served, Role.viewer, f"collection={cid}&q=rocket") == ["rocket"]
    assert search_ids(served, Role.librarian, f"collection={cid}&tag=launch") == ["lost", "poster-red", "rocket"]
    search_ids(served, Role.analyst, f"collection={cid}", status=404)
    search_ids(served, Role.viewer, "collection=no-such-collection", status=404)

    empty = create(served, Role.viewer, "Nothing yet")["id"]
    assert search_ids(served, Role.viewer, f"collection={empty}") == []
