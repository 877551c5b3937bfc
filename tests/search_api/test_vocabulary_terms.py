"""A vocabulary term that is only spaces or slashes is refused (422), never stored empty.

An empty stored term made every later read of the vocabulary fail: the vocabulary list, title
suggestions and the zero-result report's closest terms all answered 500 (found by a deeper fuzz run).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("term", [" ", "/", " / ", "\t//\t"])
def test_a_blank_term_is_a_422_and_the_vocabulary_still_reads(client: TestClient, term: str) -> None:
    response = client.put("/api/librarian/vocabulary", json=[{"term": term}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Value error, a term needs a character other than spaces and slashes"
    for url in ("/api/librarian/vocabulary", "/api/search/suggest?q=ca", "/api/analytics/zero-results"):
        assert client.get(url).status_code == 200, url


def test_a_term_with_spaces_around_is_stored_clean(client: TestClient) -> None:
    assert client.put("/api/librarian/vocabulary", json=[{"term": " Food / Fruit /"}]).json() == {"imported": 1}
    assert "Food/Fruit" in {t["term"] for t in client.get("/api/librarian/vocabulary").json()}
    assert client.delete("/api/librarian/vocabulary/Food/Fruit").status_code == 204
