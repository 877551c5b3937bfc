"""`Filters.indexed_after` (what saved searches count as new) means the same on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np

from loupe_core.principal import Principal, Role
from loupe_core.query import Filters, Query, SearchMode
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore

Library = tuple[list[Asset], dict[str, np.ndarray]]
CUT = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=40)
VIEWER = Principal(user_id="alice", role=Role.viewer, groups=frozenset({"science"}))


def found(store: AssetStore, filters: Filters, principal: Principal | None = None) -> set[str]:
    result = store.search(Query(filters=filters, mode=SearchMode.keyword, size=1000, facets=(), principal=principal))
    assert result.total == len(result.hits)
    return {hit.asset.id for hit in result.hits}


def test_indexed_after_keeps_assets_indexed_strictly_later(store: AssetStore, library: Library) -> None:
    assets = library[0]
    later = {a.id for a in assets if a.indexed_at and a.indexed_at > CUT}
    assert 0 < len(later) < len(assets)
    assert found(store, Filters(indexed_after=CUT)) == later
    at_the_cut = next(a for a in assets if a.indexed_at == CUT)
    assert at_the_cut.id not in found(store, Filters(indexed_after=CUT))


def test_indexed_after_in_another_time_zone_is_the_same_instant(store: AssetStore) -> None:
    paris = CUT.astimezone(timezone(timedelta(hours=2)))
    assert found(store, Filters(indexed_after=paris)) == found(store, Filters(indexed_after=CUT))


def test_indexed_after_narrows_what_the_caller_may_see(store: AssetStore, library: Library) -> None:
    visible = found(store, Filters(), VIEWER)
    later = {a.id for a in library[0] if a.indexed_at and a.indexed_at > CUT}
    assert found(store, Filters(indexed_after=CUT), VIEWER) == visible & later
