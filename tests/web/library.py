"""The page tests' library: ordinary assets plus hostile, right-to-left and oversized metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from loupe_core.schema import Asset

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


TODAY = date.today()
COMPLETE: dict[str, object] = {
    "description": "A complete record.",
    "tags": ["ok"],
    "taxonomy": ["Things"],
    "license_expires": date(2999, 1, 1),
}
SHARED = {"groups": ["marketing", "brand", "science"]}
"""Every seeded non-staff user is in one of these groups (tests/accounts_fixture.py)."""
WORKFLOW_LIBRARY = [
    Asset(id="wf/original", title="Harbour at dawn", sha256="d" * 64, width=800, height=600, **COMPLETE, **SHARED),
    Asset(id="wf/copy", title="Harbour copy", sha256="d" * 64, width=400, height=300, **COMPLETE, **SHARED),
    Asset(id="wf/twin-a", title="Twin A", sha256="e" * 64, **COMPLETE),
    Asset(id="wf/twin-b", title="Twin B", sha256="e" * 64, **COMPLETE),
    Asset(id="wf/camera-name", title="IMG_0412", owner="contributor", **{**COMPLETE, "tags": []}, **SHARED),
    Asset(id="wf/expired", title="Old poster", **{**COMPLETE, "license_expires": TODAY - timedelta(days=3)}),
    Asset(id="wf/expiring", title="Spring banner", **{**COMPLETE, "license_expires": TODAY + timedelta(days=5)}),
    Asset(
        id="wf/finance",
        title="Quarterly revenue chart",
        groups=["finance"],
        camera_make="Fujifilm",
        lens="XF 35mm",
        colors=["#ff0000", "not-a-colour"],
        provenance={"title": "iptc"},
        **COMPLETE,
    ),
]
"""Planted for the librarian pages: two exact duplicate pairs (same SHA-256), a camera-file title
and no tags, expired and expiring licences, and an asset only the finance group (and staff) see."""
