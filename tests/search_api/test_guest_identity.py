"""Guests (LOUPE_ANONYMOUS_ROLE) are nobody: no account can take their identity and they own nothing,
so an asset whose owner reads `anonymous`, or even the guest id itself, is not theirs to see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.accounts.store import AccountStore
from loupe_core.errors import InvalidQuery
from loupe_core.principal import GUEST_ID, Principal, Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.app import create_app

LIBRARY = [
    Asset(id="private/anonymous.jpg", title="Owned by a user called anonymous", owner="anonymous"),
    Asset(id="private/guest-id.jpg", title="Owned by the guest id itself", owner=GUEST_ID),
    Asset(id="public/poster.jpg", title="Shared with the public group", owner="ana", groups=["public"]),
]


@pytest.fixture
def guest(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path, clip_model="", text_model="", anonymous_role="viewer", anonymous_groups=["public"]
    )
    store = open_store(settings)
    assert not store.upsert(LIBRARY).failures
    store.refresh()
    with TestClient(create_app(settings, store=store)) as client:
        yield client
    store.close()


def test_guests_see_only_their_groups_whoever_owns_the_rest(guest: TestClient) -> None:
    response = guest.get("/api/search", params={"size": 50})
    assert response.status_code == 200
    assert [hit["asset"]["id"] for hit in response.json()["hits"]] == ["public/poster.jpg"]
    assert guest.get("/api/assets/private/anonymous.jpg").status_code == 404


@pytest.mark.parametrize("name", ["anonymous", "system", GUEST_ID])
def test_no_account_can_take_a_reserved_identity(tmp_path: Path, name: str) -> None:
    accounts = AccountStore(tmp_path / "accounts.sqlite3")
    with pytest.raises(InvalidQuery):
        accounts.add_user(name, Role.viewer, ["public"], None, actor="test")
    assert accounts.users() == []
    accounts.close()


def test_user_names_must_match_in_full(tmp_path: Path) -> None:
    """`$` alone would accept a trailing newline: a name that sign-in (which strips) could never reach."""
    accounts = AccountStore(tmp_path / "accounts.sqlite3")
    with pytest.raises(InvalidQuery):
        accounts.add_user("eve\n", Role.viewer, [], None, actor="test")
    accounts.close()


def test_a_guest_owns_nothing() -> None:
    visibility = Principal.guest(Role.viewer, ["public"]).visibility()
    assert visibility.owner is None
    assert not visibility.allows(GUEST_ID, [], "approved")
    assert visibility.allows("ana", ["public"], "approved")
