"""Autocomplete on both backends: popular past queries merged with titles, and no query leaks across groups.

The science group searched its confidential project many times; the analyst (brand group)
typing the same letters must never see that query, while the viewer (science) does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from loupe_core.analytics.events import SearchEvent
from loupe_core.principal import Role
from loupe_core.schema import Asset
from tests.accounts_fixture import bearer
from tests.backends import BACKENDS
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)
from tests.search_api.served import Served, served_library

ASSETS = [
    Asset(id="kestrel-1", title="Kestrel prototype drawing", groups=["science"]),
    Asset(id="kestrel-2", title="Kestrel test rig", groups=["science"]),
    Asset(id="kettle-1", title="Kettle on the stove", groups=["brand", "science"]),
    Asset(id="harbour-1", title="Harbour at dusk", groups=["brand"]),
]
PAST_SEARCHES = {
    "kestrel prototype": ("science", 6, 1),
    "kettle": ("brand", 3, 1),
    "ketone": ("brand", 2, 1),  # once found something; today finds nothing for anyone
    "ketchup": ("brand", 9, 0),  # never found anything
    "harbour": ("brand", 4, 1),
}


def suggest(served: Served, role: Role, prefix: str, size: int = 8) -> list[tuple[str, str]]:
    return [(s["kind"], s["text"]) for s in served.get(role, "/api/search/suggest", q=prefix, size=size)]


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp(f"suggest-{request.param}")
    with served_library(request.param, tmp, request, ASSETS) as served:
        now = datetime.now(UTC)
        served.services.search_log.write(
            [
                SearchEvent(f"{text}-{i}", text, "keyword", results, 3.0, "someone", groups=(group,), timestamp=now)
                for text, (group, times, results) in PAST_SEARCHES.items()
                for i in range(times)
            ]
        )
        yield served


def test_the_owning_group_is_offered_its_popular_query_before_titles(served: Served) -> None:
    assert suggest(served, Role.viewer, "kestrel") == [
        ("query", "kestrel prototype"),
        ("title", "Kestrel prototype drawing"),
        ("title", "Kestrel test rig"),
    ]


def test_a_query_that_finds_nothing_the_caller_may_see_never_leaks(served: Served) -> None:
    for prefix in ("k", "ke", "kes", "kestrel", "KESTREL PRO"):
        assert not [text for kind, text in suggest(served, Role.analyst, prefix) if "kestrel" in text.casefold()]


def test_queries_that_found_nothing_or_now_find_nothing_are_not_offered(served: Served) -> None:
    assert suggest(served, Role.analyst, "ket") == [("query", "kettle"), ("title", "Kettle on the stove")]


def test_a_query_equal_to_a_title_is_offered_once(served: Served) -> None:
    assert suggest(served, Role.analyst, "harb") == [("query", "harbour"), ("title", "Harbour at dusk")]


def test_size_bounds_the_merged_list_and_keeps_room_for_titles(served: Served) -> None:
    assert suggest(served, Role.librarian, "k", size=2) == [
        ("query", "kestrel prototype"),
        ("title", "Kestrel prototype drawing"),
    ]


def test_one_kind_only(served: Served) -> None:
    def kinds(kind: str) -> list[str]:
        params = {"q": "harb", "kind": kind}
        answer = served.client.get("/api/search/suggest", params=params, headers=bearer(served.keys[Role.analyst]))
        return [s["kind"] for s in answer.json()]

    assert (kinds("query"), kinds("title")) == (["query"], ["title"])


def test_title_suggestions_carry_their_asset(served: Served) -> None:
    response = served.client.get("/api/search/suggest", params={"q": "harb"}, headers=bearer(served.keys[Role.analyst]))
    assert response.json()[1] == {
        "kind": "title",
        "text": "Harbour at dusk",
        "id": "harbour-1",
        "title": "Harbour at dusk",
    }
