"""The search log in SQLite (a sibling file of the asset store), and the analyst reports over it.

Queries are grouped by their normalised text (lower case, single spaces); browsing without
text counts towards searches per day but not towards query reports.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from loupe_core.analytics.events import ClickEvent, Event, SearchEvent, UsageEvent
from loupe_core.analytics.reports import (
    DayCount,
    PopularAsset,
    QueryStats,
    UsageReport,
    ZeroResultQuery,
    ZeroResultReport,
    fill_days,
    normalise_query,
    usage_report,
)
from loupe_core.store.embedded.connection import ConnectionPool

DDL = [
    """CREATE TABLE IF NOT EXISTS searches (
  query_id TEXT PRIMARY KEY, ts TEXT NOT NULL, day TEXT NOT NULL, user_query TEXT NOT NULL, norm TEXT NOT NULL,
  mode TEXT NOT NULL, result_count INTEGER NOT NULL, latency_ms REAL NOT NULL, user_id TEXT NOT NULL,
  groups TEXT NOT NULL, session_id TEXT NOT NULL, page INTEGER NOT NULL, filters TEXT NOT NULL,
  rescued INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS searches_day ON searches(day)",
    "CREATE INDEX IF NOT EXISTS searches_norm ON searches(norm, day)",
    """CREATE TABLE IF NOT EXISTS clicks (
  id INTEGER PRIMARY KEY, query_id TEXT NOT NULL, ts TEXT NOT NULL, day TEXT NOT NULL, asset_id TEXT NOT NULL,
  position INTEGER NOT NULL, user_id TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS clicks_query ON clicks(query_id)",
    "CREATE INDEX IF NOT EXISTS clicks_asset ON clicks(asset_id, day)",
    """CREATE TABLE IF NOT EXISTS usage (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, day TEXT NOT NULL, asset_id TEXT NOT NULL, action TEXT NOT NULL,
  kind TEXT NOT NULL, user_id TEXT NOT NULL, groups TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS usage_day ON usage(day)",
    "CREATE INDEX IF NOT EXISTS usage_asset ON usage(asset_id, day)",
]


class EmbeddedSearchLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pool = ConnectionPool(path)
        with self._pool.write() as conn:
            for statement in DDL:
                conn.execute(statement)

    def close(self) -> None:
        self._pool.close()

    def write(self, events: Sequence[Event]) -> None:
        searches = [e for e in events if isinstance(e, SearchEvent)]
        clicks = [e for e in events if isinstance(e, ClickEvent)]
        usage = [e for e in events if isinstance(e, UsageEvent)]
        with self._pool.write() as conn:
            conn.executemany(
                "INSERT INTO usage(ts, day, asset_id, action, kind, user_id, groups) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.timestamp.isoformat(),
                        e.timestamp.date().isoformat(),
                        e.asset_id,
                        e.action,
                        e.kind,
                        e.user_id,
                        json.dumps(sorted(e.groups)),
                    )
                    for e in usage
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO searches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.query_id,
                        e.timestamp.isoformat(),
                        e.timestamp.date().isoformat(),
                        e.user_query,
                        normalise_query(e.user_query),
                        e.mode,
                        e.result_count,
                        e.latency_ms,
                        e.user_id,
                        json.dumps(sorted(e.groups)),
                        e.session_id,
                        e.page,
                        json.dumps(e.filters, default=str),
                        int(e.rescued),
                    )
                    for e in searches
                ],
            )
            conn.executemany(
                "INSERT INTO clicks(query_id, ts, day, asset_id, position, user_id) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.query_id,
                        e.timestamp.isoformat(),
                        e.timestamp.date().isoformat(),
                        e.asset_id,
                        e.position,
                        e.user_id,
                    )
                    for e in clicks
                ],
            )

    def counts(self) -> tuple[int, int]:
        conn = self._pool.get()
        return (
            int(conn.execute("SELECT count(*) FROM searches").fetchone()[0]),
            int(conn.execute("SELECT count(*) FROM clicks").fetchone()[0]),
        )

    # -- reports ----------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return list(self._pool.get().execute(sql, params))

    def zero_results(self, since: date, until: date, limit: int = 50) -> ZeroResultReport:
        window = (since.isoformat(), until.isoformat())
        base = "FROM searches WHERE result_count = 0 AND norm != '' AND page = 1 AND day BETWEEN ? AND ?"
        rows = self._rows(
            f"SELECT norm, count(*), count(DISTINCT user_id), max(ts), sum(rescued) {base} "
            "GROUP BY norm ORDER BY count(*) DESC, norm ASC LIMIT ?",
            (*window, limit),
        )
        queries: list[ZeroResultQuery] = []
        for norm, count, users, last_seen, rescued in rows:
            groups: dict[str, int] = {}
            for (raw,) in self._rows(f"SELECT groups {base} AND norm = ?", (*window, norm)):
                for group in json.loads(raw):
                    groups[group] = groups.get(group, 0) + 1
            queries.append(
                ZeroResultQuery(
                    query=norm,
                    searches=count,
                    users=users,
                    groups=dict(sorted(groups.items())),
                    last_seen=datetime.fromisoformat(last_seen),
                    rescued_searches=int(rescued or 0),
                )
            )
        per_day = dict(self._rows(f"SELECT day, count(*) {base} GROUP BY day", window))
        total = int(self._rows(f"SELECT count(*) {base}", window)[0][0])
        searches = int(
            self._rows("SELECT count(*) FROM searches WHERE norm != '' AND page = 1 AND day BETWEEN ? AND ?", window)[
                0
            ][0]
        )
        return ZeroResultReport(
            since=since,
            until=until,
            zero_result_searches=total,
            searches=searches,
            queries=queries,
            trend=fill_days(per_day, since, until),
        )

    def top_queries(self, since: date, until: date, limit: int = 50, no_clicks_only: bool = False) -> list[QueryStats]:
        having = "HAVING clicks = 0 AND sum(s.result_count > 0) > 0" if no_clicks_only else ""
        # Distinct query ids: the join repeats a search once per click (a rescued zero-result search can be clicked).
        rows = self._rows(
            "SELECT s.norm, count(DISTINCT s.query_id) AS searches, "  # noqa: S608 — the HAVING clause is one of two constants; values are bound  # nosec B608
            "count(DISTINCT CASE WHEN s.result_count = 0 THEN s.query_id END), "
            "count(DISTINCT c.query_id) AS clicked, count(c.id) AS clicks, avg(c.position) "
            "FROM searches s LEFT JOIN clicks c ON c.query_id = s.query_id "
            "WHERE s.norm != '' AND s.page = 1 AND s.day BETWEEN ? AND ? "
            f"GROUP BY s.norm {having} ORDER BY searches DESC, s.norm ASC LIMIT ?",
            (since.isoformat(), until.isoformat(), limit),
        )
        return [
            QueryStats(
                query=norm,
                searches=searches,
                zero_results=int(zero or 0),
                clicks=clicks,
                click_through_rate=round(clicked / searches, 4) if searches else 0.0,
                mean_click_position=round(float(mean), 2) if mean is not None else None,
            )
            for norm, searches, zero, clicked, clicks, mean in rows
        ]

    def searches_per_day(self, since: date, until: date) -> list[DayCount]:
        rows = dict(
            self._rows(
                "SELECT day, count(*) FROM searches WHERE page = 1 AND day BETWEEN ? AND ? GROUP BY day",
                (since.isoformat(), until.isoformat()),
            )
        )
        return fill_days(rows, since, until)

    def popular_queries(self, prefix: str, since: date, until: date, limit: int = 20) -> list[str]:
        start = normalise_query(prefix)
        if not start:
            return []
        escaped = start.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._rows(
            "SELECT norm FROM searches WHERE norm LIKE ? ESCAPE '\\' AND substr(norm, 1, ?) = ? "
            "AND result_count > 0 AND page = 1 AND day BETWEEN ? AND ? "
            "GROUP BY norm ORDER BY count(*) DESC, norm ASC LIMIT ?",
            (escaped + "%", len(start), start, since.isoformat(), until.isoformat(), limit),
        )
        return [norm for (norm,) in rows]

    def popular_assets(self, since: date, until: date, limit: int = 200) -> list[PopularAsset]:
        rows = self._rows(
            "SELECT asset_id, count(*), count(DISTINCT user_id) FROM clicks WHERE day BETWEEN ? AND ? "
            "GROUP BY asset_id ORDER BY count(*) DESC, asset_id ASC LIMIT ?",
            (since.isoformat(), until.isoformat(), limit),
        )
        return [PopularAsset(asset_id=a, clicks=c, users=u) for a, c, u in rows]

    def usage(self, since: date, until: date, assets: Collection[str] | None = None, limit: int = 200) -> UsageReport:
        where = "day BETWEEN ? AND ?"
        params: list[Any] = [since.isoformat(), until.isoformat()]
        if assets is not None:
            where += " AND asset_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(assets)))
        counts = "sum(action = 'view'), sum(action = 'download')"
        per_asset = self._rows(
            f"SELECT asset_id, {counts}, count(DISTINCT user_id) FROM usage WHERE {where} GROUP BY asset_id",  # noqa: S608 — fixed clauses; values are bound  # nosec B608
            params,
        )
        per_group = self._rows(
            f"SELECT g.value, {counts} FROM usage, json_each(usage.groups) AS g WHERE {where} GROUP BY g.value",  # noqa: S608 — fixed clauses; values are bound  # nosec B608
            params,
        )
        per_day = self._rows(f"SELECT day, {counts} FROM usage WHERE {where} GROUP BY day", params)  # noqa: S608 — fixed clauses; values are bound  # nosec B608
        return usage_report(
            since,
            until,
            {a: (int(v), int(d), int(u)) for a, v, d, u in per_asset},
            {g: (int(v), int(d)) for g, v, d in per_group},
            {day: (int(v), int(d)) for day, v, d in per_day},
            limit,
        )

    def used_since(self, day: date) -> set[str]:
        return {a for (a,) in self._rows("SELECT DISTINCT asset_id FROM usage WHERE day >= ?", (day.isoformat(),))}
