"""The HTML pages over a real embedded library: full pages vs htmx fragments, filters, errors, escaping."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from loupe_core.errors import BackendUnavailable
from loupe_core.query import Query, SearchResult
from loupe_core.store.base import AssetStore
from tests.web.library import HOSTILE_TITLE, LONG_TITLE, RTL_TITLE

HTMX = {"HX-Request": "true"}
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SEARCH_BOX = '<input id="search-q" type="search" name="q"'


@dataclass(frozen=True)
class Case:
    url: str
    htmx: bool
    status: int
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


CASES = {
    "discover page": Case("/", False, 200, ("<html", SEARCH_BOX, 'hx-trigger="input changed delay:300ms, search"')),
    "discover fragment": Case("/", True, 200, ('id="results-heading"', "6 results"), ("<html", SEARCH_BOX)),
    "keyword search": Case("/?q=cat", False, 200, ("Tabby <mark>cat</mark> on a sofa",), ("Beagle", "Red apple")),
    "search fragment": Case("/?q=beagle", True, 200, ("<mark>Beagle</mark> in the park",), ("<html", "Tabby")),
    "fallback note": Case("/?q=cat&mode=semantic", False, 200, ("available on this server; showing keyword matches",)),
    "taxonomy narrows": Case("/?taxonomy=Animals", False, 200, ("Tabby", "Beagle", "3 results"), ("Red apple",)),
    "subtree narrows": Case("/?taxonomy=Animals/Cats", True, 200, ("Tabby", RTL_TITLE), ("Beagle", "Red apple")),
    "filter chip": Case("/?tag=cat", False, 200, ("Tag: cat", 'href="/"'), ("Beagle",)),
    "asset detail": Case(
        "/assets/animals/cats/tabby.jpg",
        False,
        200,
        (
            "<html",
            "Tabby cat on a sofa",
            "Animals/Cats",
            "1600 × 1200 px",
            'href="/?tag=sofa"',
            "Valid (until 2999-01-01)",
        ),
    ),
    "asset licence": Case("/assets/animals/cats/tabby.jpg", False, 200, ("Valid (until 2999-01-01)", "245.8 kB")),
    "asset thumbnail": Case(
        "/assets/animals/cats/tabby.jpg",
        False,
        200,
        ('src="/api/assets/animals/cats/tabby.jpg/thumbnail" alt="Tabby cat on a sofa"',),
    ),
    "similar loads lazily": Case(
        "/assets/animals/cats/tabby.jpg",
        False,
        200,
        ('hx-get="/assets/animals/cats/tabby.jpg/similar?size=12" hx-trigger="load"',),
    ),
    "non-ascii id": Case("/assets/intl/%D7%97%D7%AA%D7%95%D7%9C.jpg", False, 200, (RTL_TITLE, 'dir="auto"')),
    "missing asset": Case("/assets/no/such.jpg", False, 404, ("<html", "Not found", "no/such.jpg")),
    "missing asset fragment": Case("/assets/no/such.jpg/similar", True, 404, ("Not found",), ("<html",)),
    "similar fragment": Case(
        "/assets/animals/cats/tabby.jpg/similar", True, 200, ("Beagle in the park", "Red apple"), ("<html", "Tabby")
    ),
    "similar page without js": Case(
        "/assets/animals/cats/tabby.jpg/similar", False, 200, ("<html", "More like this", "Beagle in the park")
    ),
    "similar without embeddings": Case("/assets/hostile-1/similar", True, 200, ("has no embeddings to compare",)),
    "hostile title escaped in grid": Case("/", False, 200, (ESCAPED_SCRIPT,), (HOSTILE_TITLE,)),
    "hostile title escaped on page": Case("/assets/hostile-1", False, 200, (ESCAPED_SCRIPT,), (HOSTILE_TITLE,)),
    "hostile quotes stay in text": Case(
        "/assets/hostile-1", False, 200, ("&#34; onmouseover=&#34;x",), ('" onmouseover="x', 'onmouseover="x"')
    ),
    "hostile highlight escaped": Case(
        "/?q=onmouseover", True, 200, ("&quot; <mark>onmouseover</mark>=&quot;x",), ('" <mark>onmouseover',)
    ),
    "rtl and emoji intact": Case("/", False, 200, (f'<span class="card-title" dir="auto">{RTL_TITLE}</span>',)),
    "rtl search highlights": Case("/?q=חתול", False, 200, ("<mark>חתול</mark> שחור على الأريكة 🐈",)),
    "long title": Case("/assets/long-title", False, 200, (LONG_TITLE.strip(),)),
    "fts syntax is just text": Case('/?q="(*)+OR+NEAR', False, 200, ("results",)),
    "invalid date": Case(
        "/?created_from=yesterday", False, 422, ("<html", "created_from: Input should be a valid date")
    ),
    "invalid date fragment": Case("/?created_from=yesterday", True, 422, ("created_from",), ("<html",)),
    "invalid mode": Case("/?mode=psychic", False, 422, ("mode: Input should be", "<html")),
    "page out of range": Case("/?page=0", False, 422, ("page: Input should be greater than or equal to 1",)),
    "page size over the limit": Case("/?size=500", False, 422, ("size: Input should be less than or equal to 100",)),
    "dates in the wrong order": Case(
        "/?created_from=2024-02-01&created_to=2024-01-01", False, 400, ("created_from is after created_to",)
    ),
    "past the last page": Case("/?page=9", False, 200, ("This page is past the last result",)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_pages(client: TestClient, case: Case) -> None:
    response = client.get(case.url, headers=HTMX if case.htmx else {})

    assert response.status_code == case.status
    assert response.headers["content-type"].startswith("text/html")
    for fragment in case.present:
        assert fragment in response.text
    for fragment in case.absent:
        assert fragment not in response.text


@pytest.mark.parametrize("url", ["/", "/?q=cat", "/?page=0", "/assets/animals/cats/tabby.jpg/similar"])
@pytest.mark.parametrize("htmx", [False, True])
def test_pages_with_two_variants_vary_on_htmx(client: TestClient, url: str, htmx: bool) -> None:
    response = client.get(url, headers=HTMX if htmx else {})

    assert "HX-Request" in response.headers["vary"]


def test_history_restore_gets_the_full_page(client: TestClient) -> None:
    """htmx 2 sends HX-Request on a history cache miss too, then swaps the answer in as the body."""
    response = client.get("/?q=cat", headers={**HTMX, "HX-History-Restore-Request": "true"})

    assert "<html" in response.text


def test_fragment_refreshes_the_hidden_filters_out_of_band(client: TestClient) -> None:
    response = client.get("/?q=cat&taxonomy=Animals&tag=cat", headers=HTMX)

    carried = response.text[response.text.index('<div id="carried-filters" hx-swap-oob="true">') :]
    carried = carried[: carried.index("</div>")]
    assert '<input type="hidden" name="taxonomy" value="Animals">' in carried
    assert '<input type="hidden" name="q"' not in carried  # the search box itself sends q


def test_facet_links_work_without_and_with_htmx(client: TestClient) -> None:
    html = client.get("/?q=cat").text

    assert 'href="/?q=cat&amp;taxonomy=Animals" hx-get="/?q=cat&amp;taxonomy=Animals" hx-target="#results"' in html


def test_taxonomy_renders_as_a_nested_tree(client: TestClient) -> None:
    html = client.get("/").text

    animals = html.index('<span class="facet-label" dir="auto">Animals</span> <span class="count">3</span>')
    cats = html.index('<span class="facet-label" dir="auto">Cats</span> <span class="count">2</span>')
    nested_list = html.index("<ul>", animals)
    assert animals < nested_list < cats


def test_picking_a_subcategory_replaces_its_parent(client: TestClient) -> None:
    html = client.get("/?taxonomy=Animals").text

    assert 'href="/?taxonomy=Animals%2FCats"' in html
    assert 'href="/" hx-get="/" hx-target="#results" hx-indicator="#results" hx-push-url="true" class="active"' in html


def test_pagination_links_keep_the_query(client: TestClient) -> None:
    first = client.get("/?taxonomy=Animals&size=1").text
    second = client.get("/?taxonomy=Animals&size=1&page=2").text

    assert 'href="/?taxonomy=Animals&amp;size=1&amp;page=2"' in first
    assert 'aria-current="page">2</a>' in second
    assert '<a href="/?taxonomy=Animals&amp;size=1" hx-get="/?taxonomy=Animals&amp;size=1"' in second
    assert "Next" in second
    assert "Previous" in second


@pytest.mark.parametrize(("path", "content_type"), [("htmx.min.js", "javascript"), ("loupe.css", "text/css")])
def test_static_files_are_served(client: TestClient, path: str, content_type: str) -> None:
    response = client.get(f"/static/{path}")

    assert response.status_code == 200
    assert content_type in response.headers["content-type"]


def test_vendored_htmx_keeps_its_version_and_licence(client: TestClient) -> None:
    head = client.get("/static/htmx.min.js").text[:200]

    assert "htmx.org 2.0.11" in head
    assert "0BSD" in head


def test_unknown_url_in_a_browser_is_an_html_404(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html,*/*;q=0.8"})

    assert response.status_code == 404
    assert "<html" in response.text


@pytest.mark.parametrize(
    ("url", "status"), [("/api/search?created_from=yesterday", 422), ("/api/assets/no/such.jpg", 404), ("/nope", 404)]
)
def test_api_and_non_browser_errors_stay_json(client: TestClient, url: str, status: int) -> None:
    response = client.get(url, headers={"Accept": "application/json"})

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("failure", "status", "message"),
    [
        (BackendUnavailable("the search backend did not answer in time"), 503, "did not answer in time"),
        (RuntimeError("secret internals"), 500, "The error has been logged."),
    ],
)
def test_backend_failures_render_a_page_without_internals(
    client: TestClient,
    library: AssetStore,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
    message: str,
) -> None:
    def fail(query: Query) -> SearchResult:
        raise failure

    monkeypatch.setattr(library, "search", fail)

    response = client.get("/?q=cat")

    assert response.status_code == status
    assert "<html" in response.text
    assert message in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
