"""Librarian › Curated results: add, edit, disable and delete a rule from the page; the pin shows on Discover."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from loupe_core.principal import Role
from tests.web.conftest import Roles


@pytest.fixture
def librarian(roles: Roles) -> Iterator[dict[str, str]]:
    yield roles.headers[Role.librarian]
    for rule in roles.services.rule_book.rules():
        roles.services.rule_book.delete("test", rule.id)


def post(client: TestClient, url: str, headers: dict[str, str], **form: str) -> str:
    response = client.post(url, data=form, headers=headers)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def add_rule(roles: Roles, headers: dict[str, str], **form: str) -> str:
    fields = {"name": "Apple first", "query": "red", "match": "exact", "enabled": "true", **form}
    return post(roles.client, "/librarian/rules", headers, **fields)


def test_a_rule_added_on_the_page_pins_its_asset_first_on_discover(roles: Roles, librarian: dict[str, str]) -> None:
    assert add_rule(roles, librarian, pins="1 animals/dogs/beagle.png") == "/librarian/rules?notice=rule-saved"

    page = roles.client.get("/?q=red", headers=librarian).text
    cards = re.findall(r'data-asset-id="([^"]+)"', page)
    assert cards[0] == "animals/dogs/beagle.png"
    assert "Pinned by the librarians for this search" in page

    listing = roles.client.get("/librarian/rules", headers=librarian).text
    assert "Apple first" in listing and "animals/dogs/beagle.png</a> at 1" in listing


def test_edit_disable_and_delete_from_the_page(roles: Roles, librarian: dict[str, str]) -> None:
    add_rule(roles, librarian, hides="food/apple.jpg")
    rule = roles.services.rule_book.rules()[0]
    edit_form = roles.client.get(f"/librarian/rules?edit={rule.id}", headers=librarian).text
    assert 'name="rule_id" value="' + rule.id + '"' in edit_form and ">food/apple.jpg</textarea>" in edit_form

    add_rule(roles, librarian, rule_id=rule.id, name="Renamed", hides="food/apple.jpg", synonyms="crimson, scarlet")
    assert roles.services.rule_book.get(rule.id).synonyms == ["crimson", "scarlet"]
    assert "food/apple.jpg" not in re.findall(
        r'data-asset-id="([^"]+)"', roles.client.get("/?q=red", headers=librarian).text
    )

    assert post(roles.client, f"/librarian/rules/{rule.id}/toggle", librarian).endswith("notice=rule-disabled")
    assert not roles.services.rule_book.get(rule.id).enabled
    assert post(roles.client, f"/librarian/rules/{rule.id}/delete", librarian).endswith("notice=rule-deleted")
    assert roles.services.rule_book.rules() == []


@pytest.mark.parametrize(
    ("form", "needle"),
    [
        ({"pins": "first animals/dogs/beagle.png"}, "position asset-id"),
        ({"pins": "", "hides": "", "synonyms": ""}, "must pin, hide or add synonyms"),
        ({"hides": "x", "starts": "2026-03-01", "ends": "2026-01-01"}, "ends before it starts"),
    ],
)
def test_a_bad_rule_is_a_400_page_with_the_reason(
    roles: Roles, librarian: dict[str, str], form: dict[str, str], needle: str
) -> None:
    fields = {"name": "Bad", "query": "red", "match": "exact", "enabled": "true", **form}
    response = roles.client.post("/librarian/rules", data=fields, headers=librarian)
    assert response.status_code == 400 and needle in response.text


def test_only_librarians_reach_the_rules_page_and_analysts_see_the_stats(roles: Roles) -> None:
    for role in (Role.viewer, Role.analyst, Role.contributor):
        assert roles.client.get("/librarian/rules", headers=roles.headers[role]).status_code == 403
    stats = roles.client.get("/analytics/rules", headers=roles.headers[Role.analyst])
    assert stats.status_code == 200 and "Curation rules" in stats.text
    assert roles.client.get("/analytics/rules", headers=roles.headers[Role.viewer]).status_code == 403
