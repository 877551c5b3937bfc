"""The search box's datalist: htmx fetches completions as options, escaped, under the caller's permissions."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from loupe_core.analytics.events import SearchEvent
from tests.web.library import HOSTILE_TITLE


def test_the_search_box_asks_for_completions_as_you_type(client: TestClient) -> None:
    page = client.get("/").text
    assert 'list="search-suggestions"' in page
    assert '<datalist id="search-suggestions" hx-get="/suggest"' in page


def test_options_hold_popular_queries_then_titles(client: TestClient) -> None:
    log = client.app.state.services.search_log  # type: ignore[attr-defined]
    log.write(
        [
            SearchEvent(f"t{i}", "tabby kitten", "keyword", 1, 2.0, "someone", timestamp=datetime.now(UTC))
            for i in range(3)
        ]
    )

    options = client.get("/suggest", params={"q": "tab"}).text

    assert options.index('<option value="tabby kitten">') < options.index(
        '<option value="Tabby cat on a sofa" label="title">'
    )


def test_options_are_escaped_and_empty_input_asks_for_nothing(client: TestClient) -> None:
    options = client.get("/suggest", params={"q": "alert"}).text
    assert f'<option value="{HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")}" label="title">' in options
    assert client.get("/suggest", params={"q": "  "}).text.strip() == ""
