"""The controlled vocabulary: taxonomy terms and allowed tags, with synonyms and CLIP prompts.

Imported from CSV (`term,kind,synonyms,prompt`, synonyms `;`-separated) or SKOS-like JSON
(`{"concepts": [{"prefLabel", "altLabel": [...], "broader", "kind"}]}`, where `broader`
builds taxonomy paths). Synonyms expand keyword queries on both backends.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from loupe_core.errors import InvalidQuery
from loupe_core.schema import normalize_taxonomy_path
from loupe_core.store.embedded.connection import ConnectionPool
from loupe_core.store.embedded.fulltext import tokenize

TermKind = Literal["taxonomy", "tag"]
MAX_TERMS = 50_000


class VocabularyTerm(BaseModel):
    term: str = Field(min_length=1, max_length=200)
    kind: TermKind = "tag"
    synonyms: list[str] = Field(default_factory=list, max_length=50)
    prompt: str = Field(default="", max_length=300)

    @field_validator("term")
    @classmethod
    def _clean(cls, value: str) -> str:
        """Spaces and empty path segments go; what is left must still name something, or the term
        would be stored empty and fail every later read of the vocabulary."""
        cleaned = normalize_taxonomy_path(value) if "/" in value else value.strip()
        if not cleaned:
            raise ValueError("a term needs a character other than spaces and slashes")
        return cleaned

    @property
    def label(self) -> str:
        """The leaf of a taxonomy path (`Animals/Cats` -> `Cats`), the term itself for tags."""
        return self.term.rsplit("/", 1)[-1]

    @property
    def clip_prompt(self) -> str:
        return self.prompt or f"a photo of {self.label.lower()}"


class Vocabulary:
    def __init__(self, db: ConnectionPool) -> None:
        self.db = db
        self._synonym_index: dict[str, list[str]] | None = None

    def terms(self) -> list[VocabularyTerm]:
        rows = self.db.get().execute("SELECT term, kind, synonyms, prompt FROM vocabulary ORDER BY kind, term")
        return [VocabularyTerm(term=t, kind=k, synonyms=json.loads(s), prompt=p) for t, k, s, p in rows]

    def upsert(self, terms: Iterable[VocabularyTerm]) -> int:
        rows = [(t.term, t.kind, json.dumps(t.synonyms, ensure_ascii=False), t.prompt) for t in terms]
        with self.db.write() as tx:
            tx.executemany("INSERT OR REPLACE INTO vocabulary(term, kind, synonyms, prompt) VALUES (?, ?, ?, ?)", rows)
            if tx.execute("SELECT count(*) FROM vocabulary").fetchone()[0] > MAX_TERMS:
                raise InvalidQuery(f"the vocabulary may hold at most {MAX_TERMS} terms")
        self._synonym_index = None
        return len(rows)

    def delete(self, term: str) -> bool:
        with self.db.write() as tx:
            deleted = tx.execute("DELETE FROM vocabulary WHERE term = ?", (term,)).rowcount > 0
        self._synonym_index = None
        return deleted

    def _synonyms(self) -> dict[str, list[str]]:
        """Normalised name -> every name of its term (label and synonyms), built once per change."""
        index = self._synonym_index
        if index is None:
            index = {}
            for term in self.terms():
                names = [term.label, *term.synonyms]
                for name in names:
                    index.setdefault(" ".join(tokenize(name)), []).extend(names)
            self._synonym_index = index
        return index

    def synonyms_for(self, text: str) -> tuple[str, ...]:
        """Other names of each query token, or of the whole query, that the vocabulary knows."""
        tokens = tokenize(text)
        index = self._synonyms()
        keys = [*tokens, " ".join(tokens)]
        names = [name for key in keys for name in index.get(key, [])]
        seen = set(keys)
        return tuple(dict.fromkeys(n for n in names if " ".join(tokenize(n)) not in seen))


def _row_term(row: dict[str, Any]) -> VocabularyTerm:
    synonyms = [s.strip() for s in (row.get("synonyms") or "").split(";") if s.strip()]
    return VocabularyTerm(
        term=row.get("term") or "", kind=(row.get("kind") or "tag").strip(), synonyms=synonyms,
        prompt=(row.get("prompt") or "").strip(),
    )  # fmt: skip


def parse_vocabulary_csv(text: str) -> list[VocabularyTerm]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "term" not in reader.fieldnames:
        raise InvalidQuery("a vocabulary CSV needs a header with at least a `term` column")
    try:
        return [_row_term(row) for row in reader]
    except ValidationError as exc:
        raise InvalidQuery(f"invalid vocabulary row: {exc.errors()[0]['msg']}") from exc


def parse_vocabulary_json(data: Any) -> list[VocabularyTerm]:
    """SKOS-like concepts; `broader` (a prefLabel) nests a concept into a taxonomy path."""
    concepts = data.get("concepts") if isinstance(data, dict) else None
    if not isinstance(concepts, list):
        raise InvalidQuery('a vocabulary JSON needs {"concepts": [...]}')
    by_label = {str(c.get("prefLabel", "")): c for c in concepts if isinstance(c, dict)}

    def path(label: str, seen: frozenset[str] = frozenset()) -> str:
        parent = by_label.get(label, {}).get("broader")
        if not parent or parent in seen or parent not in by_label:
            return label
        return f"{path(str(parent), seen | {label})}/{label}"

    terms: list[VocabularyTerm] = []
    try:
        for label, concept in by_label.items():
            kind = concept.get("kind") or ("taxonomy" if concept.get("broader") or concept.get("narrower") else "tag")
            terms.append(
                VocabularyTerm(
                    term=path(label) if kind == "taxonomy" else label,
                    kind=kind,
                    synonyms=[str(s) for s in concept.get("altLabel", [])],
                    prompt=str(concept.get("prompt", "")),
                )
            )
    except ValidationError as exc:
        raise InvalidQuery(f"invalid concept: {exc.errors()[0]['msg']}") from exc
    return terms
