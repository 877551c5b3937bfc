"""Searches racing writes on the embedded store: no errors, and no asset shown after its hiding returned.

A writer hides assets from the viewer's group one by one (never showing them again), deletes
others, and adds new ones (so every array grows while searches read it). Searchers in every
mode note which hidings had returned before each search started; none of those may appear.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from loupe_core.mapping import load_index_definition
from loupe_core.principal import Principal, Role
from loupe_core.query import FacetName, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore

DEFINITION = load_index_definition(REPO_ROOT / "mappings", "assets")
VIEWER = Principal("viewer", Role.viewer, frozenset({"team"}))
SECONDS = 4.0


def asset(i: int, groups: list[str], rng: np.random.Generator) -> Asset:
    return Asset(
        id=f"a-{i:05d}", title=f"harbour photo {i}", tags=["harbour", f"t{i % 7}"], groups=groups,
        taxonomy=[f"Places/P{i % 5}"],
        image_vector=rng.normal(size=512).tolist(), text_vector=rng.normal(size=384).tolist(),
    )  # fmt: skip


def test_searches_racing_writes_never_fail_and_never_show_a_hidden_asset(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    store = EmbeddedStore(tmp_path / "race.sqlite3", DEFINITION)
    store.upsert([asset(i, ["team"], rng) for i in range(300)])
    hidden: list[str] = []  # appended only after the write hiding it returned
    errors: list[BaseException] = []
    leaks: list[str] = []
    searches = [0]
    done = threading.Event()

    def writer() -> None:
        try:
            fresh = 300
            for i in range(300):
                if done.is_set():
                    return
                if i % 3 == 2:
                    store.delete([f"a-{i:05d}"])
                else:
                    store.upsert([asset(i, ["elsewhere"], rng)])
                hidden.append(f"a-{i:05d}")
                store.upsert([asset(n, ["team"], rng) for n in range(fresh, fresh + 40)])  # grows every array
                fresh += 40
        except BaseException as exc:  # reported below
            errors.append(exc)

    def searcher(mode: SearchMode) -> None:
        vectors = {VectorField.image: rng.normal(size=512).tolist(), VectorField.text: rng.normal(size=384).tolist()}
        try:
            while not done.is_set():
                before = set(hidden)
                query = Query(
                    text="harbour" if mode is not SearchMode.semantic else "",
                    mode=mode,
                    vectors=vectors if mode is not SearchMode.keyword else {},
                    principal=VIEWER,
                    facets=(FacetName.tags, FacetName.taxonomy, FacetName.groups),
                    size=200,
                    knn_k=200,
                )
                result = store.search(query)
                leaks.extend(hit.asset.id for hit in result.hits if hit.asset.id in before)
                searches[0] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=searcher, args=(mode,)) for mode in (*SearchMode, SearchMode.keyword)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    done.set()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == [] and leaks == []
    assert searches[0] > 5 and len(hidden) > 5  # the race really ran (fewer on a loaded machine)
