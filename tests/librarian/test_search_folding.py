"""Which duplicates a search folds: exact and visual pairs, chained into clusters, each with the
duplicates report's keeper; near pairs and pairs marked "not a duplicate" never fold; the cached
clusters follow every change of the pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import mark_not_duplicate
from loupe_core.librarian.search_folding import SearchFolding, connected_groups
from loupe_core.mapping import load_index_definition
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.embedded.connection import ConnectionPool

ASSETS = [
    Asset(id="orig", title="Harbour", filename="a.jpg", status="approved", width=4000, height=3000),
    Asset(id="web", title="Harbour", filename="b.jpg", status="approved", width=1200, height=900),
    Asset(id="email", title="Harbour", filename="c.jpg", status="draft", width=4000, height=3000),
    Asset(id="crop", title="Harbour crop", filename="d.jpg", status="approved", width=3000, height=2000),
    Asset(id="other", title="Cranes", filename="e.jpg", status="approved", width=2000, height=1500),
]


@pytest.fixture
def folding(tmp_path: Path) -> tuple[SearchFolding, ConnectionPool]:
    store = EmbeddedStore(tmp_path / "s.sqlite3", load_index_definition(REPO_ROOT / "mappings", "assets"))
    store.upsert(ASSETS)
    db = open_librarian_db(tmp_path / "librarian.sqlite3")
    with db.write() as tx:
        tx.executemany(
            "INSERT INTO duplicate_pairs(a, b, queue, score) VALUES (?, ?, ?, ?)",
            [("orig", "web", "visual", 2.0), ("email", "web", "exact", 1.0), ("crop", "orig", "near", 0.93)],
        )
    return SearchFolding(db, store), db


def test_exact_and_visual_pairs_chain_into_one_cluster_with_the_reports_keeper(
    folding: tuple[SearchFolding, ConnectionPool],
) -> None:
    clusters = folding[0].clusters()
    # approved first, then most pixels: "orig" (4000x3000 approved) beats "email" (draft) and "web"
    assert clusters.keeper_of == {"orig": "orig", "web": "orig", "email": "orig"}
    assert "crop" not in clusters.keeper_of  # a near duplicate is another asset to a marketer


def test_not_a_duplicate_splits_the_cluster_and_the_cache_follows(
    folding: tuple[SearchFolding, ConnectionPool],
) -> None:
    search_folding, db = folding
    assert len(search_folding.clusters().keeper_of) == 3
    mark_not_duplicate(db, "web", "email", "lib")
    assert search_folding.clusters().keeper_of == {"orig": "orig", "web": "orig"}


def test_connected_groups_follow_chains() -> None:
    assert sorted(connected_groups([("a", "b"), ("c", "d"), ("b", "c"), ("x", "y")])) == [
        ["a", "b", "c", "d"],
        ["x", "y"],
    ]
