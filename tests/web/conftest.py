"""A small real library for the page tests: an embedded store in a temp dir, no models loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from web.app import create_app

TEXT_DIM = 384
HOSTILE_TITLE = "<script>alert(1)</script>"
ATTRIBUTE_BREAKER = '" onmouseover="x'
RTL_TITLE = "חתול שחור على الأريكة 🐈‍⬛"
LONG_TITLE = "Panorama " + "of the very long northern coastline " * 20


def text_vector(*leading: float) -> list[float]:
    """A 384-d vector (the text tower's size) whose first components set its direction."""
    return [*leading, *([0.0] * (TEXT_DIM - len(leading)))]


LIBRARY = [
    Asset(
        id="animals/cats/tabby.jpg",
        title="Tabby cat on a sofa",
        description="A striped cat asleep on a green sofa.",
        tags=["cat", "sofa"],
        filename="tabby.jpg",
        taxonomy=["Animals/Cats"],
        owner="ana",
        file_type="jpeg",
        orientation="landscape",
        thumbnail="tabby.webp",
        width=1600,
        height=1200,
        bytes=245_760,
        created_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
        license_expires=date(2999, 1, 1),
        sha256="a" * 64,
        text_vector=text_vector(1.0, 0.0),
    ),
    Asset(
        id="animals/dogs/beagle.png",
        title="Beagle in the park",
        description="A beagle running on grass.",
        tags=["dog", "park"],
        filename="beagle.png",
        taxonomy=["Animals/Dogs"],
        file_type="png",
        orientation="portrait",
        text_vector=text_vector(0.9, 0.1),
    ),
    Asset(
        id="food/apple.jpg",
        title="Red apple",
        description="One red apple on a white table.",
        tags=["fruit"],
        filename="apple.jpg",
        taxonomy=["Food/Fruit"],
        file_type="jpeg",
        orientation="square",
        text_vector=text_vector(0.0, 1.0),
    ),
    Asset(
        id="hostile-1",
        title=HOSTILE_TITLE,
        description=ATTRIBUTE_BREAKER,
        tags=[ATTRIBUTE_BREAKER],
        taxonomy=[f"Weird/{ATTRIBUTE_BREAKER}"],
        owner=ATTRIBUTE_BREAKER,
        file_type="gif",
    ),
    Asset(id="intl/חתול.jpg", title=RTL_TITLE, tags=["חתול", "🐈"], taxonomy=["Animals/Cats"], file_type="jpeg"),
    Asset(id="long-title", title=LONG_TITLE, file_type="tiff"),
]


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, clip_model="", text_model="")


@pytest.fixture
def library(web_settings: Settings) -> Iterator[AssetStore]:
    store = open_store(web_settings)
    report = store.upsert(LIBRARY)
    assert not report.failures, report.failures
    store.refresh()
    yield store
    store.close()


@pytest.fixture
def client(web_settings: Settings, library: AssetStore) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, store=library)) as test_client:
        yield test_client
