"""The librarian's conflicts page: listed with both values, settled by "keep edit" or "take source"."""

from __future__ import annotations

from datetime import UTC, datetime

from loupe_core.curation import apply_curation, record_edits
from loupe_core.principal import Role
from tests.web.conftest import Roles


def plant_conflict(roles: Roles, asset_id: str) -> None:
    """A person's title edit, then an index run whose source says something else (as `loupe index` does)."""
    store = roles.services.store
    stored = store.get(asset_id)
    now = datetime.now(UTC)
    edited = record_edits(stored, {"title": "Edited by a person"}, "librarian", now)
    store.upsert([edited])
    from_source = stored.model_copy(update={"title": "Renamed in the DAM", "provenance": {"title": "manifest"}})
    curated = apply_curation(edited, from_source, now)
    assert curated.new_conflicts == ("title",)
    store.upsert([curated.asset])
    store.refresh()


def test_conflicts_are_listed_and_settled_from_the_page(roles: Roles) -> None:
    plant_conflict(roles, "wf/original")
    librarian = roles.headers[Role.librarian]

    page = roles.client.get("/librarian/conflicts", headers=librarian).text
    assert "Edited by a person" in page and "Renamed in the DAM" in page and "from manifest" in page
    assert 'href="/librarian/conflicts"' in page  # the librarian tab
    asset_page = roles.client.get("/assets/wf/original", headers=librarian).text
    assert "edited by librarian on" in asset_page and "manifest now says “Renamed in the DAM”" in asset_page

    settled = roles.client.post(
        "/librarian/conflicts/resolve",
        data={"asset_id": "wf/original", "field": "title", "resolution": "take_source"},
        headers=librarian,
    )
    assert settled.status_code == 303 and settled.headers["location"].endswith("notice=conflict-take_source")
    assert roles.services.store.get("wf/original").title == "Renamed in the DAM"
    after = roles.client.get(settled.headers["location"], headers=librarian).text
    assert "Took the source" in after and "Renamed in the DAM" not in after.split("<h1>Conflicts</h1>", 1)[1]
    actions = [e.action for e in roles.services.accounts.audit_log(target="asset:wf/original")]
    assert "conflict.take_source" in actions


def test_viewers_cannot_open_or_settle_conflicts(roles: Roles) -> None:
    viewer = roles.headers[Role.viewer]
    assert roles.client.get("/librarian/conflicts", headers=viewer).status_code == 403
    posted = roles.client.post(
        "/librarian/conflicts/resolve",
        data={"asset_id": "wf/original", "field": "title", "resolution": "keep_edit"},
        headers=viewer,
    )
    assert posted.status_code == 403
