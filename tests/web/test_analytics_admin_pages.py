"""Analyst reports and administration pages over planted search events and real account changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from loupe_core.analytics.events import ClickEvent, SearchEvent
from loupe_core.principal import Role
from tests.web.conftest import Roles

NOW = datetime.now(UTC)


@pytest.fixture(scope="module", autouse=True)
def planted_searches(roles: Roles) -> None:
    """Three zero-result searches for "unicorn" (two users), one clicked "sofa" search, one unclicked "cat"."""
    events = [
        SearchEvent("a1" * 8, "unicorn", "hybrid", 0, 3.0, "viewer", ("science",)),
        SearchEvent("a2" * 8, "Unicorn", "hybrid", 0, 3.0, "viewer", ("science",)),
        SearchEvent("a3" * 8, "unicorn", "keyword", 0, 3.0, "analyst", ("brand",), rescued=True,
                    timestamp=NOW - timedelta(days=2)),
        SearchEvent("b1" * 8, "sofa", "hybrid", 4, 3.0, "viewer"),
        SearchEvent("c1" * 8, "cat", "hybrid", 2, 3.0, "viewer"),
        ClickEvent("b1" * 8, "wf/original", 2, "viewer"),
    ]  # fmt: skip
    roles.services.search_log.write(events)


def test_zero_result_report_lists_the_planted_query_and_draws_the_trend(roles: Roles) -> None:
    html = roles.client.get("/analytics/zero-results", headers=roles.headers[Role.analyst]).text

    row = re.search(
        r'<td dir="auto"><a href="/\?q=unicorn">unicorn</a></td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>',
        html,
    )
    assert row is not None and row.groups() == ("3", "2", "1")
    assert "<strong>3</strong> of 5 searches found nothing" in html
    assert html.count('<rect class="chart-bar"') == 30
    assert f"<title>{NOW.date().isoformat()}: 2</title>" in html
    assert f"<title>{(NOW - timedelta(days=2)).date().isoformat()}: 1</title>" in html
    since = (NOW.date() - timedelta(days=29)).isoformat()
    assert f'href="/api/analytics/zero-results?since={since}&amp;until={NOW.date().isoformat()}&amp;format=csv"' in html


def test_period_controls_the_report_and_bad_periods_are_explained(roles: Roles) -> None:
    analyst = roles.headers[Role.analyst]
    today = NOW.date().isoformat()
    narrowed = roles.client.get(f"/analytics/zero-results?since={today}&until={today}", headers=analyst).text
    backwards = roles.client.get("/analytics/zero-results?since=2025-02-01&until=2025-01-01", headers=analyst)

    assert narrowed.count('<rect class="chart-bar"') == 1 and "<strong>2</strong> of 4 searches" in narrowed
    assert backwards.status_code == 400 and "the period must run forwards" in backwards.text


def test_top_and_no_click_queries_with_click_through(roles: Roles) -> None:
    analyst = roles.headers[Role.analyst]
    top = roles.client.get("/analytics/top-queries", headers=analyst).text
    no_clicks = roles.client.get("/analytics/no-click-queries", headers=analyst).text

    assert re.search(r">sofa</a></td>\s*<td>1</td>\s*<td>0</td>\s*<td>1</td>\s*<td>100%</td>\s*<td>2.0</td>", top)
    assert "<strong>20.0%</strong> of the searches below led to a click" in top
    assert ">cat</a>" in no_clicks and ">sofa</a>" not in no_clicks and ">unicorn</a>" not in no_clicks
    assert "no_clicks=true" in no_clicks and "format=csv" in no_clicks


def test_users_add_disable_enable(roles: Roles) -> None:
    admin = roles.headers[Role.admin]
    added = roles.client.post(
        "/admin/users", data={"id": "Nadia", "role": "contributor", "groups": "social, brand"}, headers=admin
    )
    assert added.status_code == 303 and added.headers["location"] == "/admin/users?notice=user-added"
    user = roles.services.accounts.user("nadia")
    assert (user.role, user.groups) == (Role.contributor, ("brand", "social"))

    roles.client.post("/admin/users/nadia/disable", headers=admin)
    assert roles.services.accounts.user("nadia").disabled
    listing = roles.client.get("/admin/users?notice=user-disabled", headers=admin).text
    assert "User disabled" in listing and 'action="/admin/users/nadia/enable"' in listing
    assert 'action="/admin/users/admin/disable"' not in listing  # nobody locks themselves out from here
    roles.client.post("/admin/users/nadia/enable", headers=admin)
    assert not roles.services.accounts.user("nadia").disabled

    duplicate = roles.client.post("/admin/users", data={"id": "nadia", "role": "viewer"}, headers=admin)
    short = roles.client.post("/admin/users", data={"id": "omar", "role": "viewer", "password": "short"}, headers=admin)
    assert duplicate.status_code == 400 and "already exists" in duplicate.text
    assert short.status_code == 400 and "password" in short.text


def test_groups_page_counts_active_members(roles: Roles) -> None:
    html = roles.client.get("/admin/groups", headers=roles.headers[Role.admin]).text

    assert re.search(r'<td dir="auto">science</td><td>1</td>', html)


def test_a_new_key_is_shown_once_and_never_cached(roles: Roles) -> None:
    admin = roles.headers[Role.admin]
    created = roles.client.post(
        "/admin/keys", data={"user": "viewer", "label": "CMS", "expires_days": "30"}, headers=admin
    )
    key = re.search(r'<code class="secret" id="new-key">([^<]+)</code>', created.text)

    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    assert key is not None and roles.services.accounts.user_for_key(key.group(1)) is not None
    listing = roles.client.get("/admin/keys", headers=admin).text
    assert key.group(1) not in listing and ">CMS<" in listing

    key_id = key.group(1).split("_")[1]
    revoked = roles.client.post(f"/admin/keys/{key_id}/revoke", headers=admin)
    assert revoked.headers["location"] == "/admin/keys?notice=key-revoked"
    assert roles.services.accounts.user_for_key(key.group(1)) is None


def test_audit_log_shows_changes_and_filters_by_target(roles: Roles) -> None:
    roles.client.post("/admin/users", data={"id": "auditee", "role": "viewer"}, headers=roles.headers[Role.admin])
    html = roles.client.get("/admin/audit?target=user:auditee", headers=roles.headers[Role.librarian]).text

    assert "<td>user.add</td>" in html and "<dt>role</dt>" in html and '<dd dir="auto">null → "viewer"</dd>' in html
    assert "Audit log" in html and 'value="user:auditee"' in html
