"""Compiles `Filters` + the caller's visibility into one SQL WHERE clause over `assets`.

Every list filter becomes an indexed `asset_terms` lookup; licence states are date ranges
relative to the query's `today`, exactly as the OpenSearch compiler expresses them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from loupe_core.colour_space import unpack_lab
from loupe_core.principal import Visibility
from loupe_core.query import Filters
from loupe_core.schema import LicenseState
from loupe_core.store.embedded.layout import TAXONOMY_TREE

SqlClause = tuple[str, list[Any]]


def _placeholders(values: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    return ", ".join("?" for _ in values)


def _term_subquery(field: str, values: tuple[str, ...] | frozenset[str]) -> SqlClause:
    sql = f"rowid IN (SELECT asset_rowid FROM asset_terms WHERE field = ? AND value IN ({_placeholders(values)}))"  # noqa: S608 — placeholders only; values are bound  # nosec B608
    return sql, [field, *values]


def colour_clause(target: int, delta_e: int) -> SqlClause:
    """Any dominant colour within ΔE of the target: `colour_space.within_delta_e` in integer SQL."""
    light, a, b = (int(v) for v in unpack_lab([target])[0])
    value = "CAST(value AS INTEGER)"
    distance = (
        f"(({value} >> 16) - ?) * (({value} >> 16) - ?)"
        f" + ((({value} >> 8) & 255) - 128 - ?) * ((({value} >> 8) & 255) - 128 - ?)"
        f" + (({value} & 255) - 128 - ?) * (({value} & 255) - 128 - ?)"
    )
    sql = f"rowid IN (SELECT asset_rowid FROM asset_terms WHERE field = 'color_lab' AND {distance} <= ?)"  # noqa: S608 — a fixed expression; values are bound  # nosec B608
    return sql, [light, light, a, a, b, b, delta_e * delta_e]


def license_clause(states: tuple[LicenseState, ...], today: date, expiring_days: int) -> SqlClause:
    """`license_expires` is an ISO date string, so lexical comparison is date comparison."""
    soon = (today + timedelta(days=expiring_days)).isoformat()
    now = today.isoformat()
    parts: list[str] = []
    params: list[Any] = []
    for state in states:
        if state is LicenseState.none:
            parts.append("license_expires IS NULL")
        elif state is LicenseState.expired:
            parts.append("license_expires < ?")
            params.append(now)
        elif state is LicenseState.expiring:
            parts.append("(license_expires >= ? AND license_expires <= ?)")
            params.extend([now, soon])
        else:
            parts.append("license_expires > ?")
            params.append(soon)
    return "(" + " OR ".join(parts) + ")", params


def compile_filters(filters: Filters, visibility: Visibility | None, today: date, expiring_days: int) -> SqlClause:
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: SqlClause) -> None:
        clauses.append(clause[0])
        params.extend(clause[1])

    if filters.taxonomy:
        add(_term_subquery(TAXONOMY_TREE, filters.taxonomy))
    for tag in filters.tags:
        add(_term_subquery("tags", (tag,)))
    for column in ("status", "file_type", "orientation", "owner"):
        values: tuple[str, ...] = getattr(filters, column)
        if values:
            add((f'"{column}" IN ({_placeholders(values)})', list(values)))
    if filters.license:
        add(license_clause(filters.license, today, expiring_days))
    if filters.color_family:
        add(_term_subquery("color_families", filters.color_family))
    if filters.color_lab is not None:
        add(colour_clause(filters.color_lab, filters.color_delta_e))
    if filters.created_from:
        add(("created_at >= ?", [filters.created_from.isoformat()]))
    if filters.created_to:
        add(("created_at < ?", [(filters.created_to + timedelta(days=1)).isoformat()]))
    if filters.indexed_after:
        add(("indexed_at > ?", [filters.indexed_after.isoformat()]))
    if filters.has_text is not None:
        add(("COALESCE(ocr_text, '') != ''" if filters.has_text else "COALESCE(ocr_text, '') = ''", []))
    if filters.ids is not None:
        add((f"id IN ({_placeholders(filters.ids)})", list(filters.ids)) if filters.ids else ("0", []))
    if filters.exclude_ids:
        add((f"id NOT IN ({_placeholders(filters.exclude_ids)})", list(filters.exclude_ids)))
    if visibility is not None and not visibility.unrestricted:
        add(visibility_clause(visibility))
    return (" AND ".join(clauses) if clauses else "1"), params


def visibility_clause(visibility: Visibility) -> SqlClause:
    """`Visibility.allows` in SQL: owner, or any shared group outside owner-only statuses, minus hidden statuses."""
    parts: list[str] = []
    params: list[Any] = []
    if visibility.owner is not None:
        parts.append("owner = ?")
        params.append(visibility.owner)
    if visibility.groups:
        groups = sorted(visibility.groups)
        sql, sub = _term_subquery("groups", tuple(groups))
        if visibility.owner_only_statuses:
            owner_only = sorted(visibility.owner_only_statuses)
            sql = f"({sql} AND status NOT IN ({_placeholders(owner_only)}))"
            sub = [*sub, *owner_only]
        parts.append(sql)
        params.extend(sub)
    sql = "(" + (" OR ".join(parts) or "0") + ")"
    if visibility.hidden_statuses:
        hidden = sorted(visibility.hidden_statuses)
        sql += f" AND status NOT IN ({_placeholders(hidden)})"
        params.extend(hidden)
    return sql, params
