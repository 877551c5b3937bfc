"""The demo's collection and saved search: seeded once, and telling the story their pages show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from indexer.demo_library import DEMO_ASSETS
from loupe_cli.demo_users import DEMO_USERS
from loupe_cli.demo_workspace import COLLECTION_ITEMS, OWNER, SAVED_QUERY, seed_demo_workspace
from loupe_core.asset_collections.store import CollectionStore, ShareRole, open_collections_db
from loupe_core.principal import Principal
from loupe_core.saved_searches.store import SavedSearchStore, open_saved_searches_db
from loupe_core.settings import Settings


def test_the_demo_collection_and_saved_search_are_seeded_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    seed_demo_workspace(settings)
    seed_demo_workspace(settings)  # a second `loupe demo` on the same folder

    pool = open_collections_db(settings.collections_db_path)
    [collection] = CollectionStore(pool).readable_by(OWNER, ())
    assert (collection.name, collection.item_count, collection.shares) == (
        "Spring campaign",
        5,
        {"brand": ShareRole.editor},
    )
    assert CollectionStore(pool).item_ids(collection.id) == COLLECTION_ITEMS
    pool.close()

    pool = open_saved_searches_db(settings.saved_searches_db_path)
    [saved] = SavedSearchStore(pool).owned_by(OWNER)
    assert (saved.name, saved.query) == ("Coffee", SAVED_QUERY)
    assert saved.last_run_at < datetime.now(UTC) - timedelta(days=6)
    pool.close()


def test_the_owner_sees_every_item_and_the_brand_editor_all_but_one() -> None:
    assets = {asset.id: asset for asset in DEMO_ASSETS}
    users = {user.name: user for user in DEMO_USERS}

    def sees(user: str, asset_id: str) -> bool:
        principal = Principal(user, users[user].role, frozenset(users[user].groups))
        groups = [g.strip() for g in assets[asset_id].groups.split(";")]
        return principal.visibility().allows(assets[asset_id].owner, groups, assets[asset_id].status)

    assert all(sees(OWNER, asset_id) for asset_id in COLLECTION_ITEMS)
    assert [asset_id for asset_id in COLLECTION_ITEMS if not sees("dana.kowalski", asset_id)] == ["demo-chelsea"]
