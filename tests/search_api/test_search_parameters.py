"""A saved query written back as query-string parameters reads back as the same query."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from loupe_core.query import Filters, SearchMode, SortOrder
from loupe_core.saved_searches.saved_query import DERIVED_FILTERS, SavedQuery
from loupe_core.schema import LicenseState
from search_api.search_parameters import COMPANION_PARAMETERS, LIST_PARAMETERS, SINGLE_PARAMETERS, search_parameters

EVERYTHING = SavedQuery(
    text="red bus",
    mode=SearchMode.keyword,
    sort=SortOrder.newest,
    filters=Filters(
        taxonomy=("Vehicles/Buses",), tags=("bus", "red"), status=("approved",), file_type=("jpeg",),
        orientation=("landscape",), owner=("alice",), license=(LicenseState.valid, LicenseState.none),
        color_family=("red",), color="#cc2200", color_delta_e=12, created_from=date(2024, 1, 2),
        created_to=date(2024, 3, 4),
    ),
)  # fmt: skip


def test_every_filter_a_person_can_set_has_a_parameter() -> None:
    """Fails when `Filters` gains a field that saved searches would silently drop."""
    covered = {*LIST_PARAMETERS.values(), *SINGLE_PARAMETERS.values(), *COMPANION_PARAMETERS.values()}
    assert covered == set(Filters.model_fields) - set(DERIVED_FILTERS)


def test_defaults_are_left_out() -> None:
    assert search_parameters(SavedQuery(filters=Filters(color="navy"))) == [("color", "navy")]


def test_the_parameters_read_back_as_the_same_query(client: TestClient) -> None:
    """Saved through the API from its own parameters, the query comes back field for field."""
    response = client.post(f"/api/saved-searches?{urlencode(search_parameters(EVERYTHING))}", json={"name": "All"})
    assert response.status_code == 201, response.text
    assert SavedQuery.model_validate(response.json()["query"]) == EVERYTHING
