"""Curated results on both backends: pins at positions, hides, rule synonyms, conditions, dates, audit, stats.

Rules apply after permission filtering: a pinned asset the caller may not see is never shown,
and pins obey the caller's own filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from loupe_core.principal import Role
from loupe_core.schema import Asset
from tests.backends import BACKENDS
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)
from tests.search_api.served import Served, served_library

# The analyst sees the brand group; the viewer the science group (tests/accounts_fixture.py).
HARBOURS = [
    Asset(id=f"harbour-{i:02}", title=f"Harbour photo {i}", tags=["harbour"], groups=["brand"], file_type="jpeg")
    for i in range(12)
]
LIBRARY = [
    *HARBOURS,
    Asset(id="campaign-hero", title="Spring campaign hero", groups=["brand"], file_type="png"),
    Asset(id="secret-plan", title="Confidential harbour plan", groups=["science"], file_type="jpeg"),
    Asset(id="old-logo", title="Harbour logo 2019", tags=["harbour"], groups=["brand"], file_type="jpeg"),
    Asset(id="ship-1", title="Container ship", groups=["brand"], file_type="jpeg"),
    Asset(id="brand-logo", title="Logo", taxonomy=["Brand/Logos"], groups=["brand"], file_type="png"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_library(request.param, tmp_path_factory.mktemp(f"rules-{request.param}"), request, LIBRARY) as s:
        yield s


@pytest.fixture
def rule(served: Served) -> Iterator[Any]:
    """Creates rules as the librarian; deletes them after the test."""
    made: list[str] = []

    def create(**draft: Any) -> dict[str, Any]:
        response = served.client.post("/api/librarian/rules", json=draft, headers=served.as_role(Role.librarian))
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
        return dict(response.json())

    yield create
    for rule_id in made:
        served.client.delete(f"/api/librarian/rules/{rule_id}", headers=served.as_role(Role.librarian))


def ids(served: Served, role: Role, **params: Any) -> list[str]:
    body = served.get(role, "/api/search", **{"mode": "keyword", "size": 100, **params})
    return [h["asset"]["id"] for h in body["hits"]]


def test_pins_take_their_positions_and_hidden_assets_vanish(served: Served, rule: Any) -> None:
    before = [i for i in ids(served, Role.analyst, q="harbour") if i not in ("harbour-07", "old-logo")]
    made = rule(
        name="Harbour campaign",
        query="harbour",
        pins=[{"asset_id": "campaign-hero", "position": 1}, {"asset_id": "harbour-07", "position": 3}],
        hides=["old-logo"],
    )
    body = served.get(Role.analyst, "/api/search", q="Harbour", mode="keyword", size=100)
    found = [h["asset"]["id"] for h in body["hits"]]

    assert found == ["campaign-hero", before[0], "harbour-07", *before[1:]]
    assert [h["pinned_by"] for h in body["hits"][:3]] == [made["id"], None, made["id"]]
    assert body["total"] == len(found) == 13


def test_a_pinned_asset_the_caller_cannot_see_stays_hidden(served: Served, rule: Any) -> None:
    rule(name="Plan first", query="harbour", pins=[{"asset_id": "secret-plan", "position": 1}])

    assert "secret-plan" not in ids(served, Role.analyst, q="harbour")
    assert ids(served, Role.viewer, q="harbour") == ["secret-plan"]  # science sees it, and only it
    assert ids(served, Role.librarian, q="harbour")[0] == "secret-plan"


def test_pins_obey_the_callers_filters(served: Served, rule: Any) -> None:
    rule(name="Hero", query="harbour", pins=[{"asset_id": "campaign-hero", "position": 1}])

    assert "campaign-hero" not in ids(served, Role.analyst, q="harbour", file_type="jpeg")
    assert ids(served, Role.analyst, q="harbour", file_type="png") == ["campaign-hero"]


def test_pages_continue_around_the_pins(served: Served, rule: Any) -> None:
    rule(
        name="Two pins",
        query="harbour",
        pins=[{"asset_id": "campaign-hero", "position": 2}, {"asset_id": "ship-1", "position": 6}],
    )
    whole = ids(served, Role.analyst, q="harbour")
    pages = [ids(served, Role.analyst, q="harbour", size=4, page=p) for p in (1, 2, 3, 4)]

    assert [i for page in pages for i in page] == whole
    assert (whole[1], whole[5], len(whole)) == ("campaign-hero", "ship-1", 15)
    assert served.get(Role.analyst, "/api/search", q="harbour", mode="keyword", size=4, page=2)["total"] == 15


def test_a_pin_past_the_end_follows_the_last_hit(served: Served, rule: Any) -> None:
    rule(name="Far pin", query="container", pins=[{"asset_id": "campaign-hero", "position": 50}])
    assert ids(served, Role.analyst, q="container") == ["ship-1", "campaign-hero"]


def test_rule_synonyms_apply_to_that_query_only(served: Served, rule: Any) -> None:
    rule(name="Boats are ships", query="boat", synonyms=["ship"])

    assert ids(served, Role.analyst, q="boat") == ["ship-1"]
    assert "ship-1" not in ids(served, Role.analyst, q="boat harbour")  # an exact rule: another query


def test_containment_rules_match_whole_words(served: Served, rule: Any) -> None:
    rule(name="Spring", query="spring", match="contains", pins=[{"asset_id": "harbour-03", "position": 1}])

    assert ids(served, Role.analyst, q="spring campaign")[0] == "harbour-03"
    assert "harbour-03" not in ids(served, Role.analyst, q="springs campaign")


def test_rules_with_filters_apply_only_under_them(served: Served, rule: Any) -> None:
    rule(name="Logo", query="logo", filters={"taxonomy": ["Brand"]}, hides=["brand-logo"])

    assert "brand-logo" in ids(served, Role.analyst, q="logo")
    assert ids(served, Role.analyst, q="logo", taxonomy="Brand") == []


def test_disabled_and_out_of_date_rules_do_nothing(served: Served, rule: Any) -> None:
    today = date.today()
    rule(name="Off", query="container", hides=["ship-1"], enabled=False)
    rule(name="Later", query="container", hides=["ship-1"], starts=str(today + timedelta(days=1)))
    rule(name="Over", query="container", hides=["ship-1"], ends=str(today - timedelta(days=1)))

    assert ids(served, Role.analyst, q="container") == ["ship-1"]


def test_rule_changes_are_audited_and_only_librarians_make_them(served: Served, rule: Any) -> None:
    made = rule(name="Audited", query="audit me", hides=["ship-1"])
    draft = {"name": "Audited", "query": "audit me", "hides": ["ship-1", "old-logo"]}
    changed = served.client.put(
        f"/api/librarian/rules/{made['id']}", json=draft, headers=served.as_role(Role.librarian)
    )
    assert changed.status_code == 200 and changed.json()["hides"] == ["ship-1", "old-logo"]

    audit = served.get(Role.admin, "/api/admin/audit", target=made["id"])
    assert [e["action"] for e in audit] == ["curation.update", "curation.create"]
    assert audit[0]["changes"]["hides"] == [["ship-1"], ["ship-1", "old-logo"]]
    for role in (Role.viewer, Role.analyst, Role.contributor):
        refused = served.client.post("/api/librarian/rules", json=draft, headers=served.as_role(role))
        assert refused.status_code == 403


@pytest.mark.parametrize(
    ("draft", "needle"),
    [
        ({"name": "x", "query": "  ", "hides": ["a"]}, "a rule needs a query"),
        ({"name": "x", "query": "q"}, "must pin, hide or add synonyms"),
        ({"name": "x", "query": "q", "pins": [{"asset_id": "a", "position": 1}], "hides": ["a"]}, "both pinned"),
        ({"name": "x", "query": "q", "hides": ["a"], "filters": {"owner": ["x"]}}, "may only require"),
        ({"name": "x", "query": "q", "hides": ["a"], "starts": "2026-02-01", "ends": "2026-01-01"}, "ends before"),
        ({"name": "x", "query": "q", "pins": [{"asset_id": "a", "position": 0}]}, "position"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(served: Served, draft: dict[str, Any], needle: str) -> None:
    response = served.client.post("/api/librarian/rules", json=draft, headers=served.as_role(Role.librarian))
    assert response.status_code == 422 and needle in response.text


def test_analysts_see_firings_and_click_through_on_pins(served: Served, rule: Any) -> None:
    made = rule(name="Stats", query="harbour", pins=[{"asset_id": "campaign-hero", "position": 1}])
    query_ids = [served.get(Role.analyst, "/api/search", q="harbour", mode="keyword")["query_id"] for _ in range(4)]
    for query_id, (asset, position) in zip(query_ids, [("campaign-hero", 1), ("harbour-01", 2)], strict=False):
        click = {"query_id": query_id, "asset_id": asset, "position": position}
        assert (
            served.client.post("/api/events/click", json=click, headers=served.as_role(Role.analyst)).status_code == 202
        )

    stats = {s["rule"]["id"]: s for s in served.get(Role.analyst, "/api/analytics/rules")}
    assert (stats[made["id"]]["fired"], stats[made["id"]]["pinned_shown"], stats[made["id"]]["pinned_clicks"]) == (
        4,
        4,
        1,
    )
    assert stats[made["id"]]["pinned_click_through"] == 0.25
    assert served.client.get("/api/analytics/rules", headers=served.as_role(Role.viewer)).status_code == 403
