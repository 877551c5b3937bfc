"""Librarians' changes to the controlled vocabulary, each recorded in the audit log.

The JSON API and the vocabulary page both write through `VocabularyEditor`, so validation,
file parsing and the audit entries are stated once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from loupe_core.accounts.store import AccountStore
from loupe_core.errors import InvalidQuery
from loupe_core.librarian.vocabulary import Vocabulary, VocabularyTerm, parse_vocabulary_csv, parse_vocabulary_json
from loupe_core.principal import Principal

MAX_VOCABULARY_UPLOAD = 5 * 1024 * 1024
"""Bytes; callers read one byte more than this, so an oversized file is refused, not cut short."""


class VocabularyEditor:
    def __init__(self, vocabulary: Vocabulary, accounts: AccountStore) -> None:
        self._vocabulary = vocabulary
        self._accounts = accounts

    def upsert(self, actor: Principal, terms: Sequence[VocabularyTerm]) -> int:
        """Adds or replaces terms by name; returns how many were written."""
        count = self._vocabulary.upsert(terms)
        self._accounts.record(actor.user_id, "vocabulary.upsert", "vocabulary", {"terms": [t.term for t in terms]})
        return count

    def delete(self, actor: Principal, term: str) -> None:
        if not self._vocabulary.delete(term):
            raise InvalidQuery(f"no vocabulary term {term!r}")
        self._accounts.record(actor.user_id, "vocabulary.delete", "vocabulary", {"term": [term, None]})

    def save(self, actor: Principal, term: VocabularyTerm, original: str = "") -> None:
        """One term from an edit form: a changed name replaces the `original` entry instead of adding one."""
        self.upsert(actor, [term])
        if original and original != term.term:
            self.delete(actor, original)

    def import_file(self, actor: Principal, filename: str, data: bytes) -> int:
        """CSV (`term,kind,synonyms,prompt`) or SKOS-like JSON, told apart by the file name."""
        if len(data) > MAX_VOCABULARY_UPLOAD:
            raise InvalidQuery(f"vocabulary files are limited to {MAX_VOCABULARY_UPLOAD} bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidQuery("vocabulary files must be UTF-8") from exc
        if filename.lower().endswith(".json"):
            try:
                terms = parse_vocabulary_json(json.loads(text))
            except json.JSONDecodeError as exc:
                raise InvalidQuery(f"invalid JSON: {exc.msg} at line {exc.lineno}") from exc
        else:
            terms = parse_vocabulary_csv(text)
        return self.upsert(actor, terms)
