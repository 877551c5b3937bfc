"""Ranking per phrase and adding the cached arrays gives exactly FTS5's bm25 of the whole OR query."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np

from loupe_core.mapping import load_index_definition
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded import EmbeddedStore
from loupe_core.store.embedded.fulltext import TypoVocabulary, match_expression, match_phrases
from loupe_core.store.embedded.keyword import RankedMatches

WORDS = [
    "storm",
    "cloud",
    "road",
    "harbour",
    "boat",
    "orchard",
    "apple",
    "mountain",
    "lake",
    "sunset",
    "city",
    "street",
    "portrait",
    "cat",
    "dog",
]


def library(rng: random.Random) -> list[Asset]:
    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    return [
        Asset(
            id=f"a{i}",
            title=text(rng.randint(1, 4)),
            tags=[rng.choice(WORDS) for _ in range(rng.randint(0, 3))],
            description=text(rng.randint(0, 12)),
            filename=f"{rng.choice(WORDS)}_{i}.jpg",
        )
        for i in range(600)
    ]


def test_per_phrase_ranking_equals_fts5_bm25_of_the_whole_query(tmp_path: Path) -> None:
    rng = random.Random(11)
    definition = load_index_definition(REPO_ROOT / "mappings", "assets")
    store = EmbeddedStore(tmp_path / "db.sqlite3", definition)
    try:
        store.upsert(library(rng))
        conn = sqlite3.connect(tmp_path / "db.sqlite3")  # a reader beside the store, as a server's would be
        vocabulary = TypoVocabulary(r[0] for r in conn.execute("SELECT term FROM assets_fts_vocab"))
        weights = ", ".join(str(w) for w in store.layout.fts_weights)
        ranked = RankedMatches(store.layout.fts_weights)
        queries = ["storm", "storm clouds", "clouds storm", "harbor boats", "mountian lake sunset", "ci", "zzz"]
        queries += [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(20)]
        for text in queries:
            phrases = match_phrases(text, vocabulary)
            rows = conn.execute(
                f"SELECT rowid, bm25(assets_fts, {weights}) FROM assets_fts WHERE assets_fts MATCH ?",
                [match_expression(phrases)],
            ).fetchall()
            expected = sorted(rows, key=lambda r: (r[1], r[0]))
            rowids, scores = ranked.get(conn, phrases, seq=1)  # later queries reuse cached phrases
            assert list(zip(rowids.tolist(), scores.tolist(), strict=True)) == expected, text
        assert np.all(np.diff(scores) >= 0)
        conn.close()
    finally:
        store.close()
