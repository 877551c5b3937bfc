"""Every translation of the visibility rule agrees with `Visibility.allows`, on drawn principals.

The library is every combination of owner, groups, status and licence date (640 assets), loaded
into both backends. Hypothesis draws a caller (role, user, groups) and a licence filter; one
browse search per backend then answers with the SQL form (embedded hits), the NumPy form
(embedded facet counts), and the query-DSL form (OpenSearch hits and aggregations). Each must
equal what `allows` and `license_state` say, asset by asset. Answers are memoised per distinct
query, so many examples cost few OpenSearch round trips.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loupe_core.principal import Principal, Role, Visibility
from loupe_core.query import FacetName, Filters, Query, SearchMode
from loupe_core.schema import Asset, AssetStatus, LicenseState
from loupe_core.store.base import AssetStore
from loupe_core.store.opensearch.filters import is_visible
from tests.backends import BACKENDS, close_backend, open_backend

TODAY = date(2026, 6, 1)
EXPIRING_DAYS = 30
OWNERS = [None, "", "u1", "u2"]
GROUPS = ["g1", "g2", "g3"]
LICENCES = [None, TODAY - timedelta(days=10), TODAY, TODAY + timedelta(days=10), TODAY + timedelta(days=100)]
EXAMPLES = {"embedded": 1500, "opensearch": 400}
"""Per backend in the suite (~25 s each); `LOUPE_PROPERTY_EXAMPLES=10000` runs the full check."""


def pool() -> list[Asset]:
    subsets = [list(c) for n in range(len(GROUPS) + 1) for c in itertools.combinations(GROUPS, n)]
    return [
        Asset(id=f"a{i:03d}", owner=owner, groups=groups, status=status, license_expires=licence)
        for i, (owner, groups, status, licence) in enumerate(
            itertools.product(OWNERS, subsets, list(AssetStatus), LICENCES)
        )
    ]


POOL = pool()


@pytest.fixture(scope="module", params=BACKENDS)
def pooled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssetStore]:
    store = open_backend(request.param, tmp_path_factory.mktemp(f"rule-{request.param}"), request)
    assert not store.upsert(POOL).failures
    store.refresh()
    yield store
    close_backend(store)


def expected(principal: Principal, licence: tuple[LicenseState, ...]) -> set[str]:
    rule = principal.visibility()
    return {
        a.id
        for a in POOL
        if rule.allows(a.owner, a.groups, a.status.value)
        and (not licence or a.license_state(TODAY, EXPIRING_DAYS) in licence)
    }


class RuleHolder(Principal):
    """A caller whose rule is drawn directly, so rules no role produces today (no owner, other hidden
    or owner-only statuses) are checked too: the translations must follow the rule, not today's roles."""

    def __init__(self, rule: Visibility) -> None:
        super().__init__(user_id=rule.owner or "", role=Role.viewer)
        object.__setattr__(self, "rule", rule)

    def visibility(self) -> Visibility:
        rule: Visibility = self.rule  # type: ignore[attr-defined]
        return rule


statuses = [s.value for s in AssetStatus]
callers = st.one_of(
    st.builds(
        Principal,
        user_id=st.sampled_from(["u1", "u2", "u3"]),
        role=st.sampled_from(list(Role)),
        groups=st.frozensets(st.sampled_from([*GROUPS, "g4"])),
    ),
    st.builds(
        Visibility,
        unrestricted=st.booleans(),
        owner=st.sampled_from([None, "", "u1", "u2", "u3"]),
        groups=st.frozensets(st.sampled_from([*GROUPS, "g4"])),
        hidden_statuses=st.frozensets(st.sampled_from(statuses)),
        owner_only_statuses=st.frozensets(st.sampled_from(statuses)),
    ).map(RuleHolder),
)
licence_filters = st.frozensets(st.sampled_from(list(LicenseState))).map(lambda s: tuple(sorted(s)))


def test_every_form_of_the_rule_agrees(pooled: AssetStore) -> None:
    backend = "opensearch" if type(pooled).__name__ == "OpenSearchStore" else "embedded"
    examples = int(os.environ.get("LOUPE_PROPERTY_EXAMPLES", EXAMPLES[backend]))

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(principal=callers, licence=licence_filters)
    def agrees(principal: Principal, licence: tuple[LicenseState, ...]) -> None:
        want = expected(principal, licence)
        assert {a.id for a in POOL if is_visible(a, principal.visibility())} == expected(principal, ())  # Python
        ids, statuses = answer(pooled, principal, licence)
        assert ids == want  # embedded: the SQL form; OpenSearch: the query DSL
        assert statuses == Counter(a.status.value for a in POOL if a.id in want)  # embedded: the NumPy masks

    agrees()


_answers: dict[tuple[object, ...], tuple[set[str], Counter[str]]] = {}


def answer(store: AssetStore, principal: Principal, licence: tuple[LicenseState, ...]) -> tuple[set[str], Counter[str]]:
    visibility = principal.visibility()
    key = (id(store), visibility, licence)
    if key not in _answers:
        query = Query(
            mode=SearchMode.keyword,
            filters=Filters(license=licence),
            principal=principal,
            facets=(FacetName.status,),
            size=len(POOL),
            today=TODAY,
            expiring_days=EXPIRING_DAYS,
        )
        result = store.search(query)
        assert result.total == len(result.hits)
        _answers[key] = (
            {hit.asset.id for hit in result.hits},
            Counter({b.value: b.count for b in result.facets[FacetName.status]}),
        )
    return _answers[key]
