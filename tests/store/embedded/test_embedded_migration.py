"""A database written under an older mapping opens under the current one and answers like a fresh store.

The "old" mapping is today's minus three fields and with `filename` not yet full-text searchable:
the shape of an upgrade that adds ingest fields and a searchable field.
"""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from loupe_core.errors import BackendUnavailable
from loupe_core.mapping import IndexDefinition, load_index_definition
from loupe_core.query import FacetName, Filters, Query
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.embedded.layout import EmbeddedLayout
from loupe_core.store.embedded.migrate import migrate

CURRENT = load_index_definition(REPO_ROOT / "mappings", "assets")
ADDED = ("creator", "copyright", "camera_make")


def older_definition(dimension_change: bool = False) -> IndexDefinition:
    body = copy.deepcopy(CURRENT.body)
    for name in ADDED:
        del body["mappings"]["properties"][name]
    del body["mappings"]["_meta"]["search_fields"]["filename"]
    if dimension_change:
        body["mappings"]["properties"]["image_vector"]["dimension"] = 4
    return IndexDefinition(name="assets", body=body)


def library(image_dimension: int = 512) -> list[Asset]:
    rng = np.random.default_rng(3)
    return [
        Asset(
            id=f"a-{i}",
            title=f"Harbour {i}" if i % 2 else f"Orchard {i}",
            tags=["boats"] if i % 2 else ["apples"],
            taxonomy=["Places/Coast"] if i % 2 else ["Food/Fruit"],
            filename=f"zx{i}quay.jpg",
            status="approved",
            image_vector=rng.normal(size=image_dimension).tolist(),
        )
        for i in range(8)
    ]


def answers(store: EmbeddedStore) -> list[object]:
    probe = library()[1].image_vector
    queries = [
        Query(text="harbour", mode="keyword", facets=[FacetName.taxonomy, FacetName.tags]),
        Query(text="zx3quay", mode="keyword"),
        Query(vectors={"image_vector": probe}, mode="semantic", size=5),
        Query(text="orchard", vectors={"image_vector": probe}, mode="hybrid", filters=Filters(taxonomy=("Food",))),
    ]
    results = [store.search(q) for q in queries]
    return [([h.asset.id for h in r.hits], r.total, r.facets) for r in results]


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM assets ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_an_older_database_is_migrated_in_place_and_answers_like_a_fresh_one(tmp_path: Path) -> None:
    old = EmbeddedStore(tmp_path / "old.sqlite3", older_definition())
    old.upsert(library())
    assert old.search(Query(text="zx3quay", mode="keyword")).total == 0  # filename not searchable yet
    old.close()

    migrated = EmbeddedStore(tmp_path / "old.sqlite3", CURRENT)
    fresh = EmbeddedStore(tmp_path / "fresh.sqlite3", CURRENT)
    fresh.upsert(library())
    try:
        assert answers(migrated) == answers(fresh)
        assert migrated.search(Query(text="zx3quay", mode="keyword")).hits[0].asset.id == "a-3"
        assert migrated.get("a-5") == fresh.get("a-5")
        # The new columns take writes and filters like any other.
        edited = migrated.get("a-1").model_copy(update={"creator": "Ada Lovelace"})
        assert not migrated.upsert([edited]).failures
        assert migrated.get("a-1").creator == "Ada Lovelace"
    finally:
        migrated.close()
        fresh.close()


def test_a_current_database_is_not_rewritten_when_opened_again(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db.sqlite3", CURRENT)
    store.upsert(library())
    store.close()
    before = rows(tmp_path / "db.sqlite3")

    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    try:
        assert migrate(conn, EmbeddedLayout(CURRENT)) == 0
    finally:
        conn.close()
    EmbeddedStore(tmp_path / "db.sqlite3", CURRENT).close()
    assert rows(tmp_path / "db.sqlite3") == before  # same seq numbers: nothing was re-derived


def test_a_migration_that_cannot_succeed_says_why_and_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    old = EmbeddedStore(tmp_path / "old.sqlite3", older_definition(dimension_change=True))
    old.upsert(library(image_dimension=4))
    old.close()
    before = rows(tmp_path / "old.sqlite3")

    with pytest.raises(BackendUnavailable, match=r"cannot be migrated.*512.*database is unchanged"):
        EmbeddedStore(tmp_path / "old.sqlite3", CURRENT)

    assert rows(tmp_path / "old.sqlite3") == before
    reopened = EmbeddedStore(tmp_path / "old.sqlite3", older_definition(dimension_change=True))
    try:
        assert reopened.count() == 8
    finally:
        reopened.close()
