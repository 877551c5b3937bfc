"""Usage events on every search-log backend: the same views, downloads and recency answers, known in advance.

Period 2026-05-01..2026-05-03. The plant holds the cases that tell the rules apart: uses just
outside the period, a user in two groups, a user in none, several kinds of download, and an
asset restriction (what an analyst who sees only some assets gets).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.events import UsageEvent
from tests.backends import BACKENDS, close_search_log, open_search_log_backend
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture, used via getfixturevalue)

SINCE, UNTIL = date(2026, 5, 1), date(2026, 5, 3)
DAY1, DAY3 = datetime(2026, 5, 1, 9, tzinfo=UTC), datetime(2026, 5, 3, 23, 59, tzinfo=UTC)
BEFORE, AFTER = datetime(2026, 4, 30, 23, 59, tzinfo=UTC), datetime(2026, 5, 4, 0, 1, tzinfo=UTC)


def use(asset: str, action: str, kind: str, user: str, when: datetime, *groups: str) -> UsageEvent:
    return UsageEvent(asset, action, kind, user, groups=groups, timestamp=when)  # type: ignore[arg-type]


PLANTED = [
    use("hero", "view", "page", "ann", DAY1, "brand"),
    use("hero", "view", "page", "bob", DAY1, "brand", "science"),
    use("hero", "download", "original", "ann", DAY3, "brand"),
    use("hero", "download", "zip", "ann", DAY3, "brand"),
    use("logo", "download", "preview", "carol", DAY1),
    use("logo", "view", "page", "carol", DAY3),
    use("map", "view", "page", "bob", DAY3, "brand", "science"),
    use("old", "view", "page", "ann", BEFORE, "brand"),
    use("late", "download", "original", "ann", AFTER, "brand"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchLog]:
    opened = open_search_log_backend(request.param, tmp_path_factory.mktemp(request.param), request)
    opened.write(PLANTED)
    yield opened
    close_search_log(opened)


def test_usage_per_asset_ranks_by_uses_then_id(log: SearchLog) -> None:
    report = log.usage(SINCE, UNTIL)
    assert [(a.asset_id, a.views, a.downloads, a.users) for a in report.assets] == [
        ("hero", 2, 2, 2),
        ("logo", 1, 1, 1),
        ("map", 1, 0, 1),
    ]
    assert (report.views, report.downloads) == (4, 3)


def test_usage_per_group_counts_each_group_of_the_user(log: SearchLog) -> None:
    groups = {g.group: (g.views, g.downloads) for g in log.usage(SINCE, UNTIL).groups}
    assert groups == {"brand": (3, 2), "science": (2, 0)}


def test_usage_per_day_fills_every_day(log: SearchLog) -> None:
    days = [(d.day, d.views, d.downloads) for d in log.usage(SINCE, UNTIL).days]
    assert days == [(date(2026, 5, 1), 2, 1), (date(2026, 5, 2), 0, 0), (date(2026, 5, 3), 2, 2)]


def test_usage_restricted_to_some_assets_counts_only_them(log: SearchLog) -> None:
    report = log.usage(SINCE, UNTIL, assets={"logo", "map", "never-used"})
    assert [a.asset_id for a in report.assets] == ["logo", "map"]
    assert (report.views, report.downloads) == (2, 1)
    assert {g.group: (g.views, g.downloads) for g in report.groups} == {"brand": (1, 0), "science": (1, 0)}
    assert log.usage(SINCE, UNTIL, assets=set()).assets == []


def test_usage_limit_keeps_the_most_used(log: SearchLog) -> None:
    assert [a.asset_id for a in log.usage(SINCE, UNTIL, limit=1).assets] == ["hero"]


def test_used_since_lists_every_asset_with_a_later_use(log: SearchLog) -> None:
    assert log.used_since(date(2026, 5, 3)) == {"hero", "logo", "map", "late"}
    assert log.used_since(date(2026, 4, 1)) == {"hero", "logo", "map", "old", "late"}
    assert log.used_since(date(2026, 6, 1)) == set()
