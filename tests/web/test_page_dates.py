"""Pages refuse a day at the calendar's edge as the API does: a 422 page naming the field and the
range, never a 500 (report periods on the analytics pages, creation dates on the search page)."""

from __future__ import annotations

import pytest

from loupe_core.day_range import EARLIEST_DAY, LATEST_DAY
from loupe_core.principal import Role
from tests.web.conftest import Roles

REASON = f"dates must lie between {EARLIEST_DAY} and {LATEST_DAY}"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/analytics/zero-results?until=0001-01-05", "until"),
        ("/analytics/top-queries?since=0001-01-01&until=0001-01-20", "since"),
        ("/analytics/no-click-queries?until=9999-12-31", "until"),
        ("/?q=cat&created_to=9999-12-31", "created_to"),
        ("/?q=cat&created_from=0001-01-01", "created_from"),
    ],
)
def test_a_day_outside_the_range_is_a_422_page_with_the_reason(roles: Roles, url: str, field: str) -> None:
    response = roles.client.get(url, headers=roles.headers[Role.analyst])
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert f"{field}: Value error, {REASON}" in response.text


def test_the_last_supported_day_still_renders_a_report(roles: Roles) -> None:
    response = roles.client.get(f"/analytics/zero-results?until={LATEST_DAY}", headers=roles.headers[Role.analyst])
    assert response.status_code == 200 and f'value="{LATEST_DAY}"' in response.text
