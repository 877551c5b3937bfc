"""The licence watchlist over more assets than one search returns: paged, by expiry date, with totals.

1,205 expired licences (more than the 1,000 the report used to stop at, silently), created in an
order unrelated to their expiry dates, plus expiring, valid and unlicensed assets around them.
The app is the web app (the API plus the pages), so the JSON, the CSV and the Licences page are
read from one store.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from loupe_core.librarian import licence_watchlist
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.accounts_fixture import bearer, seed_role_users
from web.app import create_app

EXPIRED, EXPIRING, VALID, UNLICENSED = 1205, 40, 25, 10
Watched = tuple[TestClient, dict[str, list[str]]]
"""A librarian's client and, per list, the ids in the order the report must give them."""


def watch_library(today: date) -> list[Asset]:
    """Expiry dates scattered (a multiplicative step mod a prime), some shared, so ties fall back to id."""
    assets = []
    for n in range(EXPIRED + EXPIRING + VALID + UNLICENSED):
        if n < EXPIRED:
            expires: date | None = today - timedelta(days=1 + (n * 7919) % 997)
        elif n < EXPIRED + EXPIRING:
            expires = today + timedelta(days=(n * 31) % 30)
        elif n < EXPIRED + EXPIRING + VALID:
            expires = today + timedelta(days=31 + n % 400)
        else:
            expires = None
        created = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=(n * 104_729) % 20_000)
        assets.append(Asset(id=f"lic-{(n * 613) % 10_007:05d}", title=f"Licensed shot {n}", created_at=created,
                            license_expires=expires, owner="alice", groups=["brand"]))  # fmt: skip
    return assets


def by_expiry(assets: list[Asset], keep: Any) -> list[str]:
    return [
        a.id for a in sorted((a for a in assets if keep(a.license_expires)), key=lambda a: (a.license_expires, a.id))
    ]


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watched]:
    today = date.today()
    settings = Settings(data_dir=tmp_path_factory.mktemp("licences"), clip_model="", text_model="")
    store = open_store(settings)
    assets = watch_library(today)
    store.upsert(assets)
    expected = {
        "expired": by_expiry(assets, lambda e: e is not None and e < today),
        "expiring": by_expiry(assets, lambda e: e is not None and today <= e <= today + timedelta(days=30)),
    }
    assert [len(expected["expired"]), len(expected["expiring"])] == [EXPIRED, EXPIRING]
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.librarian]))
        yield client, expected
    store.close()


def test_the_first_page_lists_the_soonest_expiries_with_totals_over_every_page(
    watched: Watched,
) -> None:
    client, expected = watched
    report = client.get("/api/librarian/licences", params={"days": 30}).json()
    assert (report["totals"], report["page"], report["size"], report["pages"]) == (
        {"expired": EXPIRED, "expiring": EXPIRING}, 1, 100, 13
    )  # fmt: skip
    assert [a["id"] for a in report["expired"]] == expected["expired"][:100]
    assert [a["id"] for a in report["expiring"]] == expected["expiring"]
    shown = [date.fromisoformat(a["license_expires"]) for a in report["expired"]]
    assert shown == sorted(shown) and shown[-1] < date.today()


def test_walking_the_pages_lists_every_expired_licence_once(watched: Watched) -> None:
    client, expected = watched
    listed: dict[str, list[str]] = {"expired": [], "expiring": []}
    pages = client.get("/api/librarian/licences", params={"size": 1000}).json()["pages"]
    assert pages == 2
    for page in range(1, pages + 1):
        report = client.get("/api/librarian/licences", params={"size": 1000, "page": page}).json()
        for state in listed:
            listed[state] += [a["id"] for a in report[state]]
    assert listed == expected
    past = client.get("/api/librarian/licences", params={"size": 1000, "page": 3}).json()
    assert (past["expired"], past["expiring"], past["totals"]["expired"]) == ([], [], EXPIRED)


def test_the_csv_lists_every_watched_asset_with_its_expiry_date(
    watched: Watched,
) -> None:
    client, expected = watched
    response = client.get("/api/librarian/licences", params={"format": "csv", "page": 2, "size": 5})
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["state", "id", "title", "license_expires"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(s, i) for s in ("expired", "expiring") for i in expected[s]]
    assert all(date.fromisoformat(r[3]) for r in rows[1:])


def test_a_longer_horizon_lists_more_as_expiring_and_says_so(watched: Watched) -> None:
    report = watched[0].get("/api/librarian/licences", params={"days": 400, "size": 1000}).json()
    assert report["totals"] == {"expired": EXPIRED, "expiring": EXPIRING + VALID}
    assert {a["license_state"] for a in report["expiring"]} == {"expiring"}
    assert {a["license_state"] for a in report["expired"]} == {"expired"}


@pytest.mark.parametrize("window", [1000, 10_000])
def test_search_and_scan_read_the_same_watchlist(
    watched: Watched, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """1,205 expired licences: read by search under the usual window, by a scan when the window is 1,000."""
    client, expected = watched
    store = client.app.state.services.store  # type: ignore[attr-defined]
    scans: list[object] = []
    scan = store.scan
    monkeypatch.setattr(store, "scan", lambda *args, **kwargs: scans.append(args) or scan(*args, **kwargs))
    monkeypatch.setattr(licence_watchlist, "SEARCH_WINDOW", window)
    listed: dict[str, list[str]] = {"expired": [], "expiring": []}
    for page in (1, 2):
        report = client.get("/api/librarian/licences", params={"size": 1000, "page": page}).json()
        for state in listed:
            listed[state] += [a["id"] for a in report[state]]
    assert listed == expected
    assert len(scans) == (2 if window == 1000 else 0)


@pytest.mark.parametrize("params", [{"page": 0}, {"size": 0}, {"size": 1001}, {"page": 100_001}, {"days": 3651}])
def test_paging_out_of_bounds_is_a_422(watched: Watched, params: dict[str, int]) -> None:
    response = watched[0].get("/api/librarian/licences", params=params)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", next(iter(params))]


def test_the_licences_page_shows_totals_expiry_dates_and_a_pager(
    watched: Watched,
) -> None:
    client, expected = watched
    first = client.get("/librarian/licences", params={"days": 30}).text
    assert "1,205 expired, 40 expiring within 30 days" in first
    assert "Showing 1–100 of 1,205." in first
    assert f'href="/assets/{expected["expired"][0]}"' in first
    assert f'href="/assets/{expected["expired"][100]}"' not in first
    assert 'href="/librarian/licences?days=30&amp;page=2&amp;size=100" rel="next"' in first
    last = client.get("/librarian/licences", params={"days": 30, "page": 13}).text
    assert "Showing 1,201–1,205 of 1,205." in last and "None on this page (40 in all)." in last
    assert f'href="/assets/{expected["expired"][-1]}"' in last and 'rel="next"' not in last
