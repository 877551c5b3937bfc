"""Compiles `Filters` + the caller's visibility into OpenSearch filter clauses (pure, no I/O).

The clauses go in `bool.filter` (no scoring, cacheable) and, for vector lists, inside the
k-NN clause itself, so hits, facet counts and neighbours all see the same set. Licence
states are date ranges relative to the query's `today`, as in the embedded backend.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from loupe_core.colour_space import unpack_lab
from loupe_core.principal import Visibility
from loupe_core.query import Filters
from loupe_core.schema import Asset, LicenseState

Clause = dict[str, Any]

TAXONOMY_FIELD = "taxonomy.tree"
TAGS_FIELD = "tags.keyword"
_TERM_FIELDS = ("status", "file_type", "orientation", "owner")


def any_of(clauses: list[Clause]) -> Clause:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def license_clause(state: LicenseState, today: date, expiring_days: int) -> Clause:
    """`expiring` includes both today and the last day of the window, like `schema.license_state`."""
    soon = (today + timedelta(days=expiring_days)).isoformat()
    if state is LicenseState.none:
        return {"bool": {"must_not": [{"exists": {"field": "license_expires"}}]}}
    if state is LicenseState.expired:
        return {"range": {"license_expires": {"lt": today.isoformat()}}}
    if state is LicenseState.expiring:
        return {"range": {"license_expires": {"gte": today.isoformat(), "lte": soon}}}
    return {"range": {"license_expires": {"gt": soon}}}


_COLOUR_SCRIPT = """
for (def packed : doc['color_lab']) {
  long l = (packed >> 16) - params.l;
  long a = ((packed >> 8) & 255) - 128 - params.a;
  long b = (packed & 255) - 128 - params.b;
  if (l * l + a * a + b * b <= params.limit) { return true; }
}
return false;
""".strip()


def colour_clause(target: int, delta_e: int) -> Clause:
    """Any dominant colour within ΔE of the target: `colour_space.within_delta_e` in Painless.

    L is the packed value's top byte, so a range on the packed ints keeps only documents with
    a colour of a lightness in reach before the script does the exact integer test."""
    light, a, b = (int(v) for v in unpack_lab([target])[0])
    low, high = max(light - delta_e, 0), light + delta_e
    reach = {"range": {"color_lab": {"gte": low << 16, "lte": (high << 16) | 0xFFFF}}}
    params = {"l": light, "a": a, "b": b, "limit": delta_e * delta_e}
    exact = {"script": {"script": {"lang": "painless", "source": _COLOUR_SCRIPT, "params": params}}}
    return {"bool": {"filter": [reach, exact]}}


def visibility_clause(visibility: Visibility) -> Clause:
    """`Visibility.allows` in query DSL: owner, or any shared group outside owner-only statuses, minus hidden."""
    allowed: list[Clause] = []
    if visibility.owner is not None:
        allowed.append({"term": {"owner": visibility.owner}})
    if visibility.groups:
        shared: Clause = {"terms": {"groups": sorted(visibility.groups)}}
        if visibility.owner_only_statuses:
            owner_only = {"terms": {"status": sorted(visibility.owner_only_statuses)}}
            shared = {"bool": {"filter": [shared], "must_not": [owner_only]}}
        allowed.append(shared)
    if not allowed:
        return {"bool": {"must_not": [{"match_all": {}}]}}
    clause: Clause = {"bool": {"should": allowed, "minimum_should_match": 1}}
    if visibility.hidden_statuses:
        clause["bool"]["must_not"] = [{"terms": {"status": sorted(visibility.hidden_statuses)}}]
    return clause


def is_visible(asset: Asset, visibility: Visibility) -> bool:
    """The rule itself, for one document already in hand (a real-time GET cannot take a query)."""
    return visibility.allows(asset.owner, asset.groups, asset.status.value)


def compile_filters(filters: Filters, visibility: Visibility | None, today: date, expiring_days: int) -> list[Clause]:
    """Every clause must hold (AND); values inside one clause widen it (OR), except tags (ALL)."""
    clauses: list[Clause] = []
    if filters.taxonomy:
        clauses.append({"terms": {TAXONOMY_FIELD: list(filters.taxonomy)}})
    clauses.extend({"term": {TAGS_FIELD: tag}} for tag in filters.tags)
    for field in _TERM_FIELDS:
        values: tuple[str, ...] = getattr(filters, field)
        if values:
            clauses.append({"terms": {field: list(values)}})
    if filters.license:
        clauses.append(any_of([license_clause(state, today, expiring_days) for state in filters.license]))
    if filters.color_family:
        clauses.append({"terms": {"color_families": list(filters.color_family)}})
    if filters.color_lab is not None:
        clauses.append(colour_clause(filters.color_lab, filters.color_delta_e))
    created: dict[str, str] = {}
    if filters.created_from:
        created["gte"] = filters.created_from.isoformat()
    if filters.created_to:
        created["lt"] = (filters.created_to + timedelta(days=1)).isoformat()
    if created:
        clauses.append({"range": {"created_at": created}})
    if filters.indexed_after:
        clauses.append({"range": {"indexed_at": {"gt": filters.indexed_after.isoformat()}}})
    if filters.has_text is not None:
        # Documents leave out an empty `ocr_text` (documents.asset_source), so `exists` means "words were read".
        has_text = {"exists": {"field": "ocr_text"}}
        clauses.append(has_text if filters.has_text else {"bool": {"must_not": [has_text]}})
    if filters.ids is not None:
        clauses.append({"terms": {"id": list(filters.ids)}})
    if filters.exclude_ids:
        clauses.append({"bool": {"must_not": [{"terms": {"id": list(filters.exclude_ids)}}]}})
    if visibility is not None and not visibility.unrestricted:
        clauses.append(visibility_clause(visibility))
    return clauses
