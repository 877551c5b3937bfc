"""Analytics › Usage and Librarian › Retirement as pages: the same numbers as the API, under the same rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from loupe_core.principal import Role
from loupe_core.schema import Asset, AssetStatus
from tests.web.conftest import Roles


def test_the_usage_page_counts_a_page_view_and_links_the_asset(roles: Roles) -> None:
    analyst = roles.headers[Role.analyst]
    assert roles.client.get("/assets/wf/original", headers=analyst).status_code == 200
    roles.services.recorder.flush()

    page = roles.client.get("/analytics/usage", headers=analyst)

    assert page.status_code == 200
    assert re.search(r'<a href="/assets/wf/original">Harbour at dawn</a></td>\s*<td>\d+</td>', page.text)
    assert 'href="/api/analytics/usage?since=' in page.text
    assert roles.client.get("/analytics/usage", headers=roles.headers[Role.viewer]).status_code == 403


def test_retirement_lists_unused_assets_and_retires_the_selected(roles: Roles) -> None:
    librarian = roles.headers[Role.librarian]
    old = datetime.now(UTC) - timedelta(days=400)
    roles.services.store.upsert([Asset(id="retire/flyer", title="Old flyer", groups=["brand"], indexed_at=old)])
    roles.services.store.refresh()

    page = roles.client.get("/librarian/retirement?days=30", headers=librarian)
    assert page.status_code == 200
    assert re.findall(r'name="ids" value="([^"]+)"', page.text) == ["retire/flyer"]  # the rest has no indexed_at

    done = roles.client.post("/librarian/retirement", data={"ids": ["retire/flyer"]}, headers=librarian)
    assert done.status_code == 200 and 'href="/assets/retire/flyer"' in done.text
    assert roles.services.store.get("retire/flyer").status is AssetStatus.retired
    assert roles.client.get("/librarian/retirement", headers=roles.headers[Role.analyst]).status_code == 403
