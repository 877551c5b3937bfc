"""The demo's collection and saved search, owned by its contributor, so both features show on first sign-in.

Written straight into their stores, as the contributor's own earlier work would have left them: the
collection holds one asset its brand editor cannot see (the page says "1 item you can't see"), and
the saved search last ran a week ago, so its matches indexed today show as new.
"""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta

from loupe_core.asset_collections.store import CollectionStore, ShareRole, open_collections_db
from loupe_core.query import SearchMode
from loupe_core.saved_searches.saved_query import SavedQuery
from loupe_core.saved_searches.store import SavedSearchStore, open_saved_searches_db
from loupe_core.settings import Settings

OWNER = "amara.okafor"
COLLECTION = "Spring campaign"
COLLECTION_ITEMS = ["demo-coffee", "demo-cafe-sign", "demo-logo", "demo-colour-wheel", "demo-chelsea"]
"""All visible to their owner (marketing, social, brand); `demo-chelsea` is not the brand group's."""
SAVED_SEARCH = "Coffee"
SAVED_QUERY = SavedQuery(text="coffee", mode=SearchMode.hybrid)


def seed_demo_workspace(settings: Settings) -> None:
    """Once: a later `loupe demo` on the same folder keeps whatever the contributor changed since."""
    with closing(open_collections_db(settings.collections_db_path)) as pool:
        collections = CollectionStore(pool)
        if not any(c.name == COLLECTION for c in collections.readable_by(OWNER, ())):
            created = collections.create(OWNER, COLLECTION, "Café and brand shots for the April newsletter.")
            collections.add_items(created.id, COLLECTION_ITEMS, OWNER)
            collections.set_shares(created.id, {"brand": ShareRole.editor})
    with closing(open_saved_searches_db(settings.saved_searches_db_path)) as pool:
        searches = SavedSearchStore(pool)
        if not any(s.name == SAVED_SEARCH for s in searches.owned_by(OWNER)):
            saved = searches.create(OWNER, SAVED_SEARCH, SAVED_QUERY)
            searches.mark_run(saved.id, datetime.now(UTC) - timedelta(days=7))
