"""Resident memory of a process that opened the embedded store and answered one hybrid query.

Run as its own process by bench/query.py, importing only what a search server imports for
the store (not LanceDB, OpenSearch or torch), so the figure is the store's footprint:
vectors in memory, filter columns, typo vocabulary, Python and NumPy.

    python bench/common_rss_probe.py PATH/loupe.sqlite3
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from common_report import rss_mb

from loupe_core.mapping import load_index_definition
from loupe_core.principal import Principal, Role
from loupe_core.query import Query, SearchMode, VectorField
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore


def main(db: Path) -> None:
    store = EmbeddedStore(db, load_index_definition(REPO_ROOT / "mappings", "assets"))
    rng = np.random.default_rng(0)
    vectors = {
        field: rng.standard_normal(size).tolist() for field, size in ((VectorField.image, 512), (VectorField.text, 384))
    }
    viewer = Principal(user_id="user0001", role=Role.viewer, groups=frozenset({"team-001", "team-002"}))
    store.search(Query(text="golden river", mode=SearchMode.hybrid, vectors=vectors, principal=viewer))
    print(json.dumps({"rss_mb": rss_mb()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
