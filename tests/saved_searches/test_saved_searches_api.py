"""Saved searches through the API on both backends: save, list, rename, delete, run, "N new" as the caller sees now.

Each test searches for its own word, so the assets one test adds are new to its searches only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from loupe_core.principal import Role
from tests.workspace_library import Served


def indexed_now(served: Served, asset: dict[str, Any]) -> None:
    """The nightly index run brings an asset in, after the search was saved (or last run)."""
    served.add_asset(asset, datetime.now(UTC))


def row(asset_id: str, title: str, groups: list[str], status: str = "approved") -> dict[str, Any]:
    return {"id": asset_id, "title": title, "tags": [], "owner": "dave", "groups": groups, "status": status,
            "file": f"{asset_id}.jpg", "colour": "navy"}  # fmt: skip


def save(served: Served, role: Role, name: str, query: str) -> dict[str, Any]:
    saved: dict[str, Any] = served.call(role, "POST", f"/api/saved-searches?{query}", 201, json={"name": name})
    return saved


def new_count(served: Served, role: Role, saved_id: str) -> int | None:
    listed = {s["id"]: s["new_count"] for s in served.call(role, "GET", "/api/saved-searches")}
    return listed[saved_id]


def test_saving_keeps_the_query_filters_and_mode(served: Served) -> None:
    saved = save(served, Role.viewer, "Rockets, newest", "q=rocket&mode=keyword&sort=newest&tag=launch&status=approved")
    assert saved["name"] == "Rockets, newest"
    assert saved["query"]["text"] == "rocket"
    assert (saved["query"]["mode"], saved["query"]["sort"]) == ("keyword", "newest")
    assert (saved["query"]["filters"]["tags"], saved["query"]["filters"]["status"]) == (["launch"], ["approved"])
    assert saved["new_count"] == 0
    assert saved["last_run_at"] == saved["created_at"]
    assert saved["search_url"] == "/api/search?q=rocket&mode=keyword&sort=newest&tag=launch&status=approved"
    assert saved["run_url"] == f"/api/saved-searches/{saved['id']}/run"
    ran = served.call(Role.viewer, "POST", saved["run_url"])
    assert [hit["asset"]["id"] for hit in ran["hits"]] == ["rocket"]


def test_new_results_are_counted_as_the_caller_may_see_them_and_running_resets_them(served: Served) -> None:
    saved = save(served, Role.viewer, "Comets", "q=comet&mode=keyword")
    assert new_count(served, Role.viewer, saved["id"]) == 0

    indexed_now(served, row("comet-science", "Comet over the lab", ["science"]))
    indexed_now(served, row("comet-brand", "Comet mascot", ["brand"]))  # not the viewer's group
    indexed_now(served, row("comet-archived", "Comet, withdrawn", ["science"], status="archived"))
    assert new_count(served, Role.viewer, saved["id"]) == 1

    ran = served.call(Role.viewer, "POST", f"/api/saved-searches/{saved['id']}/run")
    assert [hit["asset"]["id"] for hit in ran["hits"]] == ["comet-science"]
    after = served.call(Role.viewer, "GET", f"/api/saved-searches/{saved['id']}")
    assert after["new_count"] == 0 and after["last_run_at"] > saved["last_run_at"]


def test_an_asset_shared_with_the_caller_later_counts_as_new(served: Served) -> None:
    """The count reads the caller's permissions now, not when the asset arrived."""
    saved = save(served, Role.viewer, "Nebulae", "q=nebula&mode=keyword")
    indexed_now(served, row("nebula-brand", "Nebula poster", ["brand"]))
    assert new_count(served, Role.viewer, saved["id"]) == 0
    served.call(Role.librarian, "PATCH", "/api/assets/nebula-brand", json={"groups": ["brand", "science"]})
    assert new_count(served, Role.viewer, saved["id"]) == 1


def test_rename_and_delete(served: Served) -> None:
    saved = save(served, Role.contributor, "Posters", "q=poster&mode=keyword")
    url = f"/api/saved-searches/{saved['id']}"
    assert served.call(Role.contributor, "PATCH", url, json={"name": "  All   posters "})["name"] == "All posters"
    served.call(Role.contributor, "PATCH", url, 422, json={"name": ""})
    served.call(Role.contributor, "DELETE", url, 204)
    served.call(Role.contributor, "GET", url, 404)
    assert saved["id"] not in {s["id"] for s in served.call(Role.contributor, "GET", "/api/saved-searches")}


def test_saved_searches_are_private_to_their_owner(served: Served) -> None:
    saved = save(served, Role.contributor, "Mine", "q=storm&mode=keyword")
    url = f"/api/saved-searches/{saved['id']}"
    for method, path, body in (("GET", "", None), ("PATCH", "", {"name": "Yours"}), ("DELETE", "", None),
                               ("POST", "/run", None)):  # fmt: skip
        served.call(Role.viewer, method, url + path, 404, json=body)
    assert saved["id"] not in {s["id"] for s in served.call(Role.viewer, "GET", "/api/saved-searches")}
    assert served.call(Role.contributor, "GET", url)["name"] == "Mine"


def test_a_saved_search_within_a_collection_follows_the_collection(served: Served) -> None:
    cid = served.call(Role.viewer, "POST", "/api/collections", 201, json={"name": "Moons"})["id"]
    saved = save(served, Role.viewer, "Moons I kept", f"q=moon&mode=keyword&collection={cid}")
    assert saved["query"]["collection"] == cid and saved["query"]["filters"]["ids"] is None
    assert saved["search_url"] == f"/api/search?q=moon&mode=keyword&collection={cid}"
    indexed_now(served, row("moon-1", "Moon one", ["science"]))
    indexed_now(served, row("moon-2", "Moon two", ["science"]))
    served.call(Role.viewer, "POST", f"/api/collections/{cid}/items", json={"ids": ["moon-1"]})
    assert new_count(served, Role.viewer, saved["id"]) == 1  # moon-2 is new too, but not in the collection

    served.call(Role.viewer, "POST", f"/api/saved-searches/{saved['id']}/run")
    served.call(Role.viewer, "DELETE", f"/api/collections/{cid}", 204)
    assert new_count(served, Role.viewer, saved["id"]) is None
    served.call(Role.viewer, "POST", f"/api/saved-searches/{saved['id']}/run", 404)


def test_a_collection_the_caller_cannot_open_is_not_saved(served: Served) -> None:
    cid = served.call(Role.librarian, "POST", "/api/collections", 201, json={"name": "Private"})["id"]
    served.call(Role.viewer, "POST", f"/api/saved-searches?collection={cid}", 404, json={"name": "Theirs"})
