"""collapse=duplicates on the API, and on the web page by default: exact and visual duplicates
(from the librarian's queues) fold into one hit with its copies, totals report both counts, and
a copy the caller cannot see is never named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.accounts_fixture import ROLE_GROUPS, bearer, seed_role_users
from web.app import create_app

PHASH = "c3c3c3c33c3c3c3c"
DHASH = "0f0f0f0ff0f0f0f0"


def photo(asset_id: str, title: str, groups: list[str], width: int, sha: str, phash: str = PHASH) -> Asset:
    return Asset(
        id=asset_id,
        title=title,
        tags=["harbour"],
        filename=f"{asset_id}.jpg",
        groups=groups,
        status="approved",
        width=width,
        height=width * 3 // 4,
        sha256=sha * 64,
        phash=phash,
        dhash=DHASH,
    )


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[Role, str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("collapse"), clip_model="", text_model="")
    viewer_group = sorted(ROLE_GROUPS[Role.viewer])[0]
    store = open_store(settings)
    store.upsert(
        [
            photo("original", "Harbour at dawn", [viewer_group], 4000, "a"),
            photo("resized", "Harbour at dawn (web)", [viewer_group], 1200, "b"),
            photo("recompressed", "Harbour at dawn (email)", ["finance-only"], 4000, "c"),
            photo("other", "Harbour cranes", [viewer_group], 2000, "d", phash="0000ffff0000ffff"),
        ]
    )
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        keys = seed_role_users(app.state.services.accounts)
        app.state.services.duplicates.refresh()
        yield client, keys
    store.close()


def search(api: tuple[TestClient, dict[Role, str]], role: Role, **params: str) -> dict:
    client, keys = api
    return client.get("/api/search", params={"q": "harbour", **params}, headers=bearer(keys[role])).json()


def test_a_librarian_sees_one_card_per_photo_with_its_copies(api: tuple[TestClient, dict[Role, str]]) -> None:
    body = search(api, Role.librarian, collapse="duplicates")
    assert {h["asset"]["id"] for h in body["hits"]} == {"original", "other"}
    original = next(h for h in body["hits"] if h["asset"]["id"] == "original")
    assert sorted(c["id"] for c in original["copies"]) == ["recompressed", "resized"]
    assert (body["total"], body["total_uncollapsed"]) == (2, 4)
    assert sum(b["count"] for b in body["facets"]["status"]) == 2


def test_no_collapse_by_default_on_the_api(api: tuple[TestClient, dict[Role, str]]) -> None:
    body = search(api, Role.librarian)
    assert body["total"] == 4 and body["total_uncollapsed"] is None
    assert all(h["copies"] == [] for h in body["hits"])


def test_a_viewer_never_learns_of_a_copy_it_cannot_see(api: tuple[TestClient, dict[Role, str]]) -> None:
    body = search(api, Role.viewer, collapse="duplicates")
    original = next(h for h in body["hits"] if h["asset"]["id"] == "original")
    assert [c["id"] for c in original["copies"]] == ["resized"]
    assert "recompressed" not in str(body)
    assert (body["total"], body["total_uncollapsed"]) == (2, 3)


def test_the_web_page_collapses_by_default(api: tuple[TestClient, dict[Role, str]]) -> None:
    client, keys = api
    html = client.get("/", params={"q": "harbour"}, headers=bearer(keys[Role.librarian])).text
    assert "+2 copies" in html and "2 duplicate copies folded into their cards." in html
    every = client.get("/", params={"q": "harbour", "collapse": "none"}, headers=bearer(keys[Role.librarian])).text
    assert "+2 copies" not in every and "4 results" in every
