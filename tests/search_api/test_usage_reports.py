"""Usage on both backends: page views and downloads are logged, reported per asset, group and day to
analysts within what they may see, and unused assets become retirement candidates a librarian retires.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from loupe_core.principal import Role
from loupe_core.schema import Asset, AssetStatus
from tests.backends import BACKENDS
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)
from tests.search_api.served import Served, served_library

LONG_AGO = datetime.now(UTC) - timedelta(days=400)
# The analyst sees the brand group, the viewer science (tests/accounts_fixture.py).
ASSETS = [
    ("poster", ["brand"], LONG_AGO),
    ("banner", ["brand"], LONG_AGO),
    ("lab-photo", ["science"], LONG_AGO),
    ("fresh", ["brand"], datetime.now(UTC) - timedelta(days=2)),
    ("stale-draft", ["brand"], LONG_AGO),
]


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp(f"usage-{request.param}")
    originals = tmp / "originals"
    originals.mkdir()
    library = []
    for asset_id, groups, indexed_at in ASSETS:
        Image.new("RGB", (40, 30), "teal").save(originals / f"{asset_id}.png")
        status = AssetStatus.draft if asset_id == "stale-draft" else AssetStatus.approved
        library.append(
            Asset(
                id=asset_id,
                title=asset_id.replace("-", " ").title(),
                groups=groups,
                owner="librarian" if status is AssetStatus.draft else None,
                status=status,
                path=str(originals / f"{asset_id}.png"),
                filename=f"{asset_id}.png",
                indexed_at=indexed_at,
                preview=f"{asset_id}.webp",
            )
        )
    with served_library(request.param, tmp, request, library, library_roots=[originals]) as served:
        previews = served.services.settings.previews_dir
        previews.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), "teal").save(previews / "fresh.webp")
        use = served.client.get
        assert use("/assets/poster", headers=served.as_role(Role.analyst)).status_code == 200
        assert use("/assets/poster", headers=served.as_role(Role.admin)).status_code == 200
        assert use("/api/assets/poster/file", headers=served.as_role(Role.analyst)).status_code == 200
        assert use("/api/assets/lab-photo/file", headers=served.as_role(Role.viewer)).status_code == 200
        assert use("/assets/fresh", headers=served.as_role(Role.analyst), params={}).status_code == 200
        served.services.recorder.flush()
        yield served


def test_admins_see_every_use_per_asset_group_and_day(served: Served) -> None:
    report = served.get(Role.admin, "/api/analytics/usage")
    assert [(a["asset_id"], a["views"], a["downloads"], a["users"]) for a in report["assets"]] == [
        ("poster", 2, 1, 2),
        ("fresh", 1, 0, 1),
        ("lab-photo", 0, 1, 1),
    ]
    assert (report["views"], report["downloads"]) == (3, 2)
    assert {g["group"]: (g["views"], g["downloads"]) for g in report["groups"]} == {"brand": (2, 1), "science": (0, 1)}
    assert report["days"][-1] == {"day": date.today().isoformat(), "views": 3, "downloads": 2}


def test_an_analyst_sees_only_uses_of_assets_and_groups_they_may_see(served: Served) -> None:
    report = served.get(Role.analyst, "/api/analytics/usage")
    assert [a["asset_id"] for a in report["assets"]] == ["poster", "fresh"]
    assert (report["views"], report["downloads"]) == (3, 1)  # lab-photo's download is not theirs to see
    assert [g["group"] for g in report["groups"]] == ["brand"]
    csv = served.client.get("/api/analytics/usage", params={"format": "csv"}, headers=served.as_role(Role.analyst))
    assert csv.text.splitlines() == ["asset_id,views,downloads,users", "poster,2,1,2", "fresh,1,0,1"]


def test_viewers_get_no_usage_report(served: Served) -> None:
    assert served.client.get("/api/analytics/usage", headers=served.as_role(Role.viewer)).status_code == 403


def test_retirement_candidates_are_old_published_and_unused(served: Served) -> None:
    found = served.get(Role.librarian, "/api/librarian/retirement-candidates", days=30)
    # poster and lab-photo were used, fresh is too new, stale-draft is not published: banner remains
    assert [a["id"] for a in found["assets"]] == ["banner"] and found["total"] == 1
    assert served.get(Role.librarian, "/api/librarian/retirement-candidates", days=1000)["total"] == 0
    assert (
        served.client.get("/api/librarian/retirement-candidates", headers=served.as_role(Role.analyst)).status_code
        == 403
    )


def test_bulk_retire_is_audited_and_empties_the_list(served: Served) -> None:
    response = served.client.post(
        "/api/librarian/retirement-candidates/retire",
        json={"ids": ["banner"]},
        headers=served.as_role(Role.librarian),
    )
    assert response.status_code == 200 and response.json()["updated"] == ["banner"]
    served.services.store.refresh()
    assert served.get(Role.librarian, "/api/librarian/retirement-candidates", days=30)["total"] == 0
    audit = served.get(Role.admin, "/api/admin/audit", target="asset:banner")
    assert audit[0]["action"] == "asset.bulk_edit" and audit[0]["changes"]["status"] == ["approved", "retired"]
    assert served.client.get("/api/assets/banner", headers=served.as_role(Role.analyst)).status_code == 404


def test_a_preview_download_counts_and_showing_it_does_not(served: Served) -> None:
    before = served.get(Role.admin, "/api/analytics/usage")["assets"]
    shown = served.client.get("/assets/fresh/preview", headers=served.as_role(Role.analyst))
    saved = served.client.get(
        "/assets/fresh/preview", params={"download": "true"}, headers=served.as_role(Role.analyst)
    )
    served.services.recorder.flush()

    assert (shown.status_code, saved.status_code) == (200, 200)
    assert (
        "attachment" in saved.headers["content-disposition"]
        and "fresh-preview.webp" in saved.headers["content-disposition"]
    )
    after = {a["asset_id"]: a for a in served.get(Role.admin, "/api/analytics/usage")["assets"]}
    fresh_before = next(a for a in before if a["asset_id"] == "fresh")
    assert (after["fresh"]["views"], after["fresh"]["downloads"]) == (
        fresh_before["views"],
        fresh_before["downloads"] + 1,
    )


def test_a_collection_zip_counts_one_download_per_asset_delivered(served: Served) -> None:
    analyst = served.as_role(Role.analyst)
    made = served.client.post("/api/collections", json={"name": "Picks"}, headers=analyst)
    assert made.status_code == 201, made.text
    collection = made.json()["id"]
    served.client.post(f"/api/collections/{collection}/items", json={"ids": ["poster", "fresh"]}, headers=analyst)
    before = {a["asset_id"]: a["downloads"] for a in served.get(Role.admin, "/api/analytics/usage")["assets"]}

    archive = served.client.get(f"/api/collections/{collection}/download", headers=analyst)
    served.services.recorder.flush()

    assert archive.status_code == 200 and archive.content[:2] == b"PK"
    after = {a["asset_id"]: a["downloads"] for a in served.get(Role.admin, "/api/analytics/usage")["assets"]}
    assert (after["poster"], after["fresh"]) == (before["poster"] + 1, before.get("fresh", 0) + 1)
