"""Every date parameter of the API refuses a day at the calendar's edge with a 422 naming it.

The parameters are read from the app's own OpenAPI schema, so a date parameter added later is
checked too. Days at the edge of the supported range still answer (no day arithmetic overflows).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from loupe_core.day_range import EARLIEST_DAY, LATEST_DAY

OUTSIDE = ["0001-01-01", "0001-01-05", "9999-12-31"]
"""`0001-01-05` is the day a 40-example fuzz run found: the default period starts 29 days earlier."""
REASON = f"dates must lie between {EARLIEST_DAY} and {LATEST_DAY}"


def date_parameters(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, path, parameter) for every query parameter documented as a date."""
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schemas = [parameter["schema"], *parameter["schema"].get("anyOf", [])]
                if parameter["in"] == "query" and any(s.get("format") == "date" for s in schemas):
                    found.append((method, path, parameter["name"]))
    return found


def call(client: TestClient, method: str, path: str, params: dict[str, str], jpeg: bytes) -> Any:
    url = path.replace("{asset_id}", "cat-1")
    if (method, path) == ("post", "/api/saved-searches"):  # saves the search its query string describes
        return client.post(url, params=params, json={"name": f"dates {params}"})
    if method == "post":
        return client.post(url, params=params, files={"file": ("q.jpg", jpeg, "image/jpeg")})
    return client.request(method, url, params=params)


def test_the_schema_lists_the_date_parameters_this_test_knows(client: TestClient) -> None:
    names = {(path, name) for _, path, name in date_parameters(client.get("/openapi.json").json())}
    assert {("/api/search", "created_to"), ("/api/analytics/zero-results", "until")} <= names
    assert len(names) >= 14


@pytest.mark.parametrize("value", OUTSIDE)
def test_a_day_outside_the_calendar_margin_is_a_422_naming_the_parameter(
    client: TestClient, jpeg_bytes: bytes, value: str
) -> None:
    problems = []
    for method, path, name in date_parameters(client.get("/openapi.json").json()):
        response = call(client, method, path, {name: value}, jpeg_bytes)
        body = response.json()
        detail = body.get("detail") if isinstance(body, dict) else None
        expected = [{"loc": ["query", name], "msg": f"Value error, {REASON}"}]
        if response.status_code != 422 or detail != expected:
            problems.append(f"{method.upper()} {path}?{name}={value}: {response.status_code} {body}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("value", [EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()])
def test_the_first_and_last_supported_days_answer(client: TestClient, jpeg_bytes: bytes, value: str) -> None:
    """A lone end defaults the other to today or 29 days back: a span over a year is a 400, never a 500."""
    statuses = {}
    for method, path, name in date_parameters(client.get("/openapi.json").json()):
        statuses[f"{method.upper()} {path}?{name}"] = call(client, method, path, {name: value}, jpeg_bytes).status_code
    assert set(statuses.values()) <= {200, 201, 400}, statuses
    assert statuses["GET /api/search?created_to"] == statuses["GET /api/analytics/zero-results?until"] == 200


def test_a_period_at_the_edges_of_the_range_is_reported_day_by_day(client: TestClient) -> None:
    for since, until in ((EARLIEST_DAY, EARLIEST_DAY.replace(day=31)), (LATEST_DAY.replace(day=1), LATEST_DAY)):
        days = client.get("/api/analytics/searches-per-day", params={"since": since, "until": until}).json()
        assert [d["day"] for d in days][::30] == [since.isoformat(), until.isoformat()]
