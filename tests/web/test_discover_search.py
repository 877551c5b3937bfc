"""Discover with real encoders: logged searches carry a query id, words that match nothing are
rescued by meaning with library terms to try, and search by image works as a plain upload."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.librarian.vocabulary import VocabularyTerm
from loupe_core.principal import Role
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.factory import open_store
from search_api.services import Services
from tests.accounts_fixture import bearer, seed_role_users
from web.app import create_app

COLOURS = {"sofa": "olive", "harbour": "navy", "apple": "red"}
TITLES = {"sofa": "Grey sofa in a living room", "harbour": "Boats in the harbour", "apple": "Red apple on a table"}


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, encoders: Encoders) -> Iterator[tuple[TestClient, Services]]:
    clip, text = encoders.clip(), encoders.text()
    assert clip is not None and text is not None
    settings = Settings(data_dir=tmp_path_factory.mktemp("discover"))
    store = open_store(settings)
    assets = []
    for key, title in TITLES.items():
        asset = Asset(
            id=key,
            title=title,
            tags=[key],
            image_vector=clip.encode_images([Image.open(io.BytesIO(png(COLOURS[key])))])[0].tolist(),
        )
        assets.append(asset.model_copy(update={"text_vector": text.encode_texts([metadata_text(asset)])[0].tolist()}))
    store.upsert(assets)
    store.refresh()
    web = create_app(settings, store=store, encoders=encoders)
    with TestClient(web) as client:
        services: Services = web.state.services
        services.vocabulary.upsert(
            [VocabularyTerm(term="sofa", synonyms=["settee"]), VocabularyTerm(term="Places/Coast", kind="taxonomy")]
        )
        client.headers.update(bearer(seed_role_users(services.accounts)[Role.admin]))
        yield client, services
    store.close()


def test_searches_are_logged_and_the_grid_carries_the_query_id(app: tuple[TestClient, Services]) -> None:
    client, services = app
    html = client.get("/?q=sofa&mode=keyword").text
    services.recorder.flush()

    query_id = html.split('data-query-id="', 1)[1].split('"', 1)[0]
    assert len(query_id) == 32
    assert 'data-asset-id="sofa" data-position="1"' in html
    report = services.search_log.top_queries(date.today(), date.today())
    assert [(s.query, s.searches) for s in report] == [("sofa", 1)]


def test_search_as_you_type_logs_the_query_the_user_settled_on_not_the_partials(
    app: tuple[TestClient, Services],
) -> None:
    client, services = app
    typing = {"X-Loupe-Typing": "1", "HX-Request": "true"}
    superseded = services.typing.superseded
    pages = [client.get("/", params={"q": text, "mode": "keyword"}, headers=typing).text for text in ("ha", "harb")]
    pages.append(client.get("/", params={"q": "harbour", "mode": "keyword"}, headers=typing).text)
    query_id = pages[-1].split('data-query-id="', 1)[1].split('"', 1)[0]

    click = {"query_id": query_id, "asset_id": "harbour", "position": 1}
    assert client.post("/api/events/click", json=click).status_code == 202  # the user opened a result
    services.recorder.flush()

    logged = {s.query: s for s in services.search_log.top_queries(date.today(), date.today())}
    assert logged["harbour"].searches == 1 and logged["harbour"].clicks == 1
    assert "ha" not in logged and "harb" not in logged
    assert services.typing.superseded == superseded + 2


def test_words_that_match_nothing_are_rescued_with_terms_to_try(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    html = client.get("/?q=couch&mode=keyword").text

    assert '<ul class="notes rescue">' in html
    assert "No matches for “couch”; showing the closest by meaning instead." in html
    assert "Grey sofa in a living room" in html
    assert (
        "Try a library term" in html and 'href="/?q=sofa"' in html and '(also: <span dir="auto">settee</span>)' in html
    )
    assert 'href="/?taxonomy=Places%2FCoast"' in html


def test_matching_searches_suggest_nothing(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    html = client.get("/?q=apple&mode=keyword").text

    assert "Try a library term" not in html and "rescue" not in html


def test_search_by_uploaded_image_as_a_plain_form(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    response = client.post("/search/image", files={"file": ("<b>odd</b>.png", png("navy"), "image/png")})

    assert response.status_code == 200 and "<html" in response.text
    assert "similar to &lt;b&gt;odd&lt;/b&gt;.png" in response.text
    first = response.text.index('class="card-title"')
    assert response.text[first:].split("</span>", 1)[0].endswith("Boats in the harbour")


def test_search_by_image_fragment_for_htmx(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    response = client.post(
        "/search/image", files={"file": ("a.png", png("red"), "image/png")}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200 and "<html" not in response.text
    assert '<p id="results-status" hx-swap-oob="innerHTML">3 results similar to a.png</p>' in response.text


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [(b"", 400, "the uploaded file is empty"), (b"not an image at all", 400, "")],
)
def test_bad_uploads_get_an_error_page(
    app: tuple[TestClient, Services], content: bytes, status: int, message: str
) -> None:
    client, _ = app
    response = client.post(
        "/search/image", files={"file": ("x.png", content, "image/png")}, headers={"Accept": "text/html"}
    )

    assert response.status_code == status and "<html" in response.text and message in response.text


def test_cards_say_why_they_matched(app: tuple[TestClient, Services]) -> None:
    client, _ = app
    html = client.get("/?q=sofa").text
    card = html[html.index('data-asset-id="sofa"') :].split("</li>", 1)[0]
    assert '<p class="why"><span class="visually-hidden">Why this matched: </span>Matched “sofa” in title, tags' in card
    assert "similar in meaning (0." in card

    body = client.get("/api/search", params={"q": "sofa", "explain": "true"}).json()
    sofa = body["hits"][0]
    assert sofa["asset"]["id"] == "sofa" and sofa["evidence"]["keyword"]["rank"] == 1
    text = sofa["evidence"]["text_vector"]
    assert text["cleared_floor"] and text["score"] >= body["floors"]["text_vector"]
    assert client.get("/api/search", params={"q": "sofa"}).json()["hits"][0]["evidence"] is None
