"""Terms to try when a search's words matched nothing: the vocabulary's nearest terms by meaning.

Synonyms of the typed words are no help here (keyword search already OR-ed them in and still
found nothing), so each suggestion shows its own synonyms instead, as other words to try.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from loupe_core.analytics.reports import normalise_query
from search_api.services import Services


@dataclass(frozen=True)
class SuggestedTerm:
    term: str
    url: str
    """A taxonomy term filters by its category; a tag searches for it."""
    synonyms: tuple[str, ...]


def suggested_terms(services: Services, text: str) -> list[SuggestedTerm]:
    typed = normalise_query(text)
    known = {term.term: term for term in services.vocabulary.terms()}
    found: list[SuggestedTerm] = []
    for name in services.suggester.closest_terms(text):
        term = known.get(name)
        if term is None or normalise_query(name) == typed:
            continue
        params = {"taxonomy": name} if term.kind == "taxonomy" else {"q": term.label}
        found.append(SuggestedTerm(name, f"/?{urlencode(params)}", tuple(term.synonyms)))
    return found
