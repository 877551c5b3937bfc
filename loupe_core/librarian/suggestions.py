"""Tag suggestions from the controlled vocabulary: CLIP zero-shot on the image plus text similarity.

Each term is scored by CLIP (its prompt against the asset's image vector) and by the text
model (its label and synonyms against the asset's metadata vector); the score is the mean of
the scores available. Terms already on the asset, or decided for it before, are skipped.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel

from loupe_core.encoders.registry import Encoders
from loupe_core.librarian.vocabulary import TermKind, Vocabulary, VocabularyTerm
from loupe_core.schema import Asset
from loupe_core.store.embedded.connection import ConnectionPool

Decision = Literal["accepted", "rejected"]


class Suggestion(BaseModel):
    term: str
    kind: TermKind
    score: float
    clip: float | None
    text: float | None


class TagSuggester:
    def __init__(self, vocabulary: Vocabulary, encoders: Encoders, db: ConnectionPool) -> None:
        self.vocabulary = vocabulary
        self.encoders = encoders
        self.db = db
        self._lock = threading.Lock()
        self._cached: tuple[list[VocabularyTerm], np.ndarray | None, np.ndarray | None] | None = None

    def _term_vectors(self) -> tuple[list[VocabularyTerm], np.ndarray | None, np.ndarray | None]:
        """Embeddings of every term, recomputed only when the vocabulary changed."""
        terms = self.vocabulary.terms()
        with self._lock:
            if self._cached is not None and self._cached[0] == terms:
                return self._cached
            clip, text = self.encoders.clip(), self.encoders.text()
            clip_vectors = clip.encode_texts([t.clip_prompt for t in terms]) if clip and terms else None
            text_vectors = (
                text.encode_texts([", ".join([t.label, *t.synonyms]) for t in terms]) if text and terms else None
            )
            self._cached = (terms, clip_vectors, text_vectors)
            return self._cached

    def decided(self, asset_id: str) -> dict[str, str]:
        rows = (
            self.db.get()
            .execute("SELECT term, decision FROM suggestion_decisions WHERE asset_id = ?", (asset_id,))
            .fetchall()
        )
        return dict(rows)

    def suggest(self, asset: Asset, limit: int = 8) -> list[Suggestion]:
        terms, clip_vectors, text_vectors = self._term_vectors()
        if not terms:
            return []
        clip_scores = _cosines(clip_vectors, asset.image_vector)
        text_scores = _cosines(text_vectors, asset.text_vector)
        present = {t.lower() for t in asset.tags} | {p.lower() for p in asset.taxonomy}
        decided = self.decided(asset.id)
        found: list[Suggestion] = []
        for i, term in enumerate(terms):
            if term.term.lower() in present or term.term in decided:
                continue
            parts = [s[i] for s in (clip_scores, text_scores) if s is not None]
            if not parts:
                continue
            found.append(
                Suggestion(
                    term=term.term,
                    kind=term.kind,
                    score=round(float(np.mean(parts)), 4),
                    clip=None if clip_scores is None else round(float(clip_scores[i]), 4),
                    text=None if text_scores is None else round(float(text_scores[i]), 4),
                )
            )
        return sorted(found, key=lambda s: (-s.score, s.term))[:limit]

    def closest_terms(self, text: str, limit: int = 3) -> list[str]:
        """Vocabulary terms nearest to a query by meaning: what a librarian might add as a synonym."""
        terms, _, text_vectors = self._term_vectors()
        encoder = self.encoders.text()
        if not terms or text_vectors is None or encoder is None:
            return []
        scores = text_vectors @ encoder.encode_texts([text])[0]
        order = np.argsort(-scores, kind="stable")[:limit]
        return [terms[i].term for i in order]

    def record(self, asset_id: str, term: str, decision: Decision, actor: str) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO suggestion_decisions(asset_id, term, decision, actor, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (asset_id, term, decision, actor, datetime.now(UTC).isoformat(timespec="seconds")),
            )


def _cosines(matrix: np.ndarray | None, vector: list[float] | None) -> np.ndarray | None:
    if matrix is None or vector is None:
        return None
    query = np.asarray(vector, dtype=np.float32)
    return matrix @ (query / np.linalg.norm(query))
