"""Colour search in the API and the filter panel: a colour (hex or name) with a tolerance, and the family facet.

The assets' colours are extracted for real from painted pictures, as the indexer extracts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from indexer.colors import colour_summary
from loupe_core.colour_space import FAMILY_SWATCHES
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.accounts_fixture import bearer, seed_role_users
from web.app import create_app

PAINTED = {
    "harbour": ("Harbour at noon", "#1e50a0", ["sea"]),
    "navy-coat": ("Navy wool coat", "#1a2378", ["fashion"]),
    "lawn": ("Lawn in spring", "#3c8c32", ["garden"]),
    "sunset": ("Sunset over the bay", "#f08c28", ["sea"]),
}


def painted(colour: str) -> Asset:
    summary = colour_summary(Image.new("RGB", (80, 60), colour))
    return Asset(id="x", colors=summary.colors, color_families=summary.families, color_lab=summary.lab)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("colour"), clip_model="", text_model="")
    store = open_store(settings)
    assets = [
        painted(colour).model_copy(update={"id": asset_id, "title": title, "tags": tags, "groups": ["brand"]})
        for asset_id, (title, colour, tags) in PAINTED.items()
    ]
    assert not store.upsert(assets).failures
    store.refresh()
    app = create_app(settings, store=store)
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.admin]))
        yield test_client
    store.close()


def api_ids(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/search", params={"mode": "keyword", **params})
    assert response.status_code == 200, response.text
    return sorted(hit["asset"]["id"] for hit in response.json()["hits"])


def test_api_matches_a_hex_value_or_a_name_within_the_tolerance(client: TestClient) -> None:
    assert api_ids(client, color="#1e50a0", color_distance=10) == ["harbour"]
    assert api_ids(client, color="navy", color_distance=10) == ["navy-coat"]
    assert api_ids(client, color="navy", color_distance=30) == ["harbour", "navy-coat"]
    assert api_ids(client, color="1E50A0", color_distance=30, tag="sea") == ["harbour"]


def test_api_facets_colour_families_and_filters_by_them(client: TestClient) -> None:
    body = client.get("/api/search", params={"mode": "keyword", "facet": "color_family"}).json()
    assert {b["value"]: b["count"] for b in body["facets"]["color_family"]} == {"blue": 2, "green": 1, "orange": 1}
    assert api_ids(client, color_family=["green", "orange"]) == ["lawn", "sunset"]


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"color": "bluish"}, 400, "not a colour: 'bluish'"),
        ({"color": "#12345g"}, 400, "not a colour"),
        ({"color": "#1e50a0", "color_distance": 0}, 422, "color_distance"),
        ({"color": "#1e50a0", "color_distance": 500}, 422, "color_distance"),
        ({"color": "x" * 41}, 422, "color"),
    ],
)
def test_api_refuses_a_bad_colour_with_a_json_4xx(
    client: TestClient, params: dict[str, object], status: int, needle: str
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert needle in response.text


def test_filter_panel_shows_family_swatches_and_a_colour_picker(client: TestClient) -> None:
    page = client.get("/", params={"q": "", "tag": "sea"}).text
    assert re.search(r'class="family-swatch family-blue".*?blue</span> <span class="count">1</span>', page, re.S)
    picker = page[page.index('id="facet-colour-like"') :]
    assert '<input type="hidden" name="tag" value="sea">' in picker
    assert 'type="color" name="color" value="#1e88e5"' in picker


def test_picking_a_colour_narrows_the_results_and_shows_a_removable_chip(client: TestClient) -> None:
    page = client.get("/", params={"color": "#1e50a0", "color_distance": "10"}).text
    assert "Harbour at noon" in page and "Navy wool coat" not in page and "Lawn in spring" not in page
    assert "Colour like: #1e50a0" in page
    assert 'type="color" name="color" value="#1e50a0"' in page
    assert '<option value="10" selected>Close</option>' in page
    assert 'href="/?color_distance=10"' not in page  # "Any colour" drops the tolerance too
    assert ">Any colour<" in page


def test_a_named_colour_shows_in_the_picker_as_its_hex_value(client: TestClient) -> None:
    page = client.get("/", params={"color": "navy"}).text
    assert 'type="color" name="color" value="#1a237e"' in page


def test_a_bad_colour_on_the_page_is_a_clear_4xx(client: TestClient) -> None:
    response = client.get("/", params={"color": "bluish"})
    assert response.status_code == 400
    assert "not a colour" in response.text


def test_the_asset_page_links_each_dominant_colour_to_a_colour_search(client: TestClient) -> None:
    page = client.get("/assets/harbour").text
    assert '<a href="/?color=%231e50a0" title="Find assets in this colour">' in page
    assert '<a href="/?color_family=blue">blue</a>' in page


def test_every_colour_family_has_a_swatch_in_the_stylesheet() -> None:
    css = (Path(__file__).parents[2] / "web" / "static" / "loupe.css").read_text(encoding="utf-8")
    for family, hex_value in FAMILY_SWATCHES.items():
        assert f".family-{family} {{ background: {hex_value}; }}" in css
