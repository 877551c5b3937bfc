"""The HTTP contract: happy paths return the documented shapes, bad input gets a JSON 4xx."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_keyword_search_lists_the_cat_first_with_highlights(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "cat", "mode": "keyword"}).json()
    assert body["hits"][0]["asset"]["id"] == "cat-1"
    assert body["mode"] == "keyword"
    assert "<mark>" in body["hits"][0]["highlights"]["title"][0]
    assert body["hits"][0]["asset"]["thumbnail_url"] == "/api/assets/cat-1/thumbnail"
    assert {"taxonomy", "tags", "status", "file_type", "orientation", "color_family", "license"} == set(body["facets"])


def test_hybrid_search_uses_both_encoders(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "tabby cat"}).json()
    assert body["mode"] == "hybrid" and body["notes"] == []
    assert "cat-1" in [h["asset"]["id"] for h in body["hits"]]


def test_facet_filters_narrow_hierarchically(client: TestClient) -> None:
    body = client.get("/api/search", params={"taxonomy": "Food", "facet": "taxonomy", "size": 100}).json()
    assert body["total"] > 0
    assert all(any(p.startswith("Food") for p in h["asset"]["taxonomy"]) for h in body["hits"])
    assert set(body["facets"]) == {"taxonomy"}


def test_paging_and_sizes(client: TestClient) -> None:
    first = client.get("/api/search", params={"size": 5, "page": 1}).json()
    second = client.get("/api/search", params={"size": 5, "page": 2}).json()
    assert len(first["hits"]) == len(second["hits"]) == 5
    assert {h["asset"]["id"] for h in first["hits"]}.isdisjoint({h["asset"]["id"] for h in second["hits"]})


def test_more_like_this_excludes_the_asset_itself(client: TestClient) -> None:
    body = client.get("/api/assets/cat-1/similar", params={"size": 5}).json()
    ids = [h["asset"]["id"] for h in body["hits"]]
    assert len(ids) == 5 and "cat-1" not in ids
    assert body["mode"] == "semantic"


def test_search_by_image_upload(client: TestClient, jpeg_bytes: bytes) -> None:
    response = client.post("/api/search/image", files={"file": ("q.jpg", jpeg_bytes, "image/jpeg")})
    assert response.status_code == 200
    assert response.json()["total"] > 0


def test_asset_detail_thumbnail_and_download(client: TestClient) -> None:
    detail = client.get("/api/assets/cat-1").json()
    assert detail["title"] == "Chelsea the tabby cat"
    assert detail["has_image_vector"] and detail["download_url"] == "/api/assets/cat-1/file"
    thumb = client.get("/api/assets/cat-1/thumbnail")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    original = client.get("/api/assets/cat-1/file")
    assert original.status_code == 200 and original.content[:2] == b"\xff\xd8"


def test_health_is_open(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "error"),
    [
        ("get", "/api/search", {"params": {"mode": "fuzzy"}}, 422, "validation_error"),
        ("get", "/api/search", {"params": {"page": 0}}, 422, "validation_error"),
        ("get", "/api/search", {"params": {"size": 101}}, 422, "validation_error"),
        ("get", "/api/search", {"params": {"q": "x" * 1001}}, 422, "validation_error"),
        ("get", "/api/search", {"params": {"created_from": "2025-13-45"}}, 422, "validation_error"),
        (
            "get",
            "/api/search",
            {"params": {"created_from": "2025-02-01", "created_to": "2025-01-01"}},
            400,
            "invalid_query",
        ),
        ("get", "/api/search", {"params": {"license": "maybe"}}, 422, "validation_error"),
        ("get", "/api/assets/nope", {}, 404, "not_found"),
        ("get", "/api/assets/nope/similar", {}, 404, "not_found"),
        ("get", "/api/assets/nope/thumbnail", {}, 404, "not_found"),
        ("get", "/api/assets/dog-1/thumbnail", {}, 404, "not_found"),
        ("get", "/api/assets/dog-1/file", {}, 404, "not_found"),
        ("post", "/api/search/image", {}, 422, "validation_error"),
        ("post", "/api/search/image", {"files": {"file": ("a.jpg", b"", "image/jpeg")}}, 400, "invalid_image"),
        (
            "post",
            "/api/search/image",
            {"files": {"file": ("a.jpg", b"not an image", "image/jpeg")}},
            400,
            "invalid_image",
        ),
        (
            "post",
            "/api/search/image",
            {"files": {"file": ("a.jpg", b"\xff" * 300_000, "image/jpeg")}},
            413,
            "payload_too_large",
        ),
    ],
)
def test_bad_requests_get_json_errors(
    client: TestClient, method: str, url: str, kwargs: dict[str, object], status: int, error: str
) -> None:
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error and body["detail"]


def test_hostile_query_strings_are_plain_text(client: TestClient) -> None:
    for q in ['"', "NEAR(a b)", "title:*", "\x00\x01", "' OR 1=1 --", "🐱 قطة"]:
        assert client.get("/api/search", params={"q": q, "mode": "keyword"}).status_code == 200
