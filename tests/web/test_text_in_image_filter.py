"""Text read in images, in the API and on the discover page: the marked fragment, the checkbox, the chip.

The assets carry `ocr_text` as the indexer writes it (tests/indexer/test_index_text_in_image.py reads
it from real pixels); here the point is what the API and the page make of it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from tests.accounts_fixture import bearer, seed_role_users
from web.app import create_app

POSTER = (
    "Summer festival on the quay with music from noon until late, food stalls, boat rides for children "
    "and a lantern parade at nine"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("ocr-web"), clip_model="", text_model="")
    store = open_store(settings)
    assets = [
        Asset(id="poster", title="Quay in July", ocr_text=POSTER, groups=["brand"]),
        Asset(id="sign", title="Shop front", ocr_text="Lighthouse Bakery", groups=["brand"]),
        Asset(id="sea", title="Open sea", groups=["brand"]),
    ]
    assert not store.upsert(assets).failures
    store.refresh()
    app = create_app(settings, store=store)
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.admin]))
        yield test_client
    store.close()


def test_the_api_hit_labels_a_fragment_around_the_word_read_in_the_image(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "lantern", "mode": "keyword"})
    assert response.status_code == 200, response.text
    [hit] = response.json()["hits"]
    assert (hit["asset"]["id"], hit["highlights"]) == (
        "poster",
        {"ocr_text": ["… boat rides for children and a <mark>lantern</mark> parade at nine"]},
    )


@pytest.mark.parametrize(("has_text", "expected"), [("true", ["poster", "sign"]), ("false", ["sea"])])
def test_has_text_in_the_api(client: TestClient, has_text: str, expected: list[str]) -> None:
    response = client.get("/api/search", params={"mode": "keyword", "has_text": has_text})
    assert response.status_code == 200, response.text
    assert sorted(h["asset"]["id"] for h in response.json()["hits"]) == expected


def test_the_page_shows_text_in_image_and_the_checkbox_keeps_the_other_filters(client: TestClient) -> None:
    page = client.get("/", params={"q": "bakery", "mode": "keyword"}).text
    assert '<span class="label">text in image:</span> Lighthouse <mark>Bakery</mark>' in page
    assert "Matched “bakery” in text in image" in page
    assert '<input id="has-text" type="checkbox" name="has_text" value="true">' in page
    assert '<label for="has-text">Only images with text in them</label>' in page
    assert '<input type="hidden" name="q" value="bakery">' in page


def test_a_ticked_box_filters_shows_checked_and_has_a_removable_chip(client: TestClient) -> None:
    page = client.get("/", params={"mode": "keyword", "has_text": "true"}).text
    assert 'name="has_text" value="true" checked>' in page
    assert "Text in image: yes" in page
    assert 'data-asset-id="sea"' not in page
    assert 'data-asset-id="sign"' in page
