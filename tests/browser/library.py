"""The browser tests' library: real images drawn with Pillow, embedded by the real encoders.

Each asset gets an original file (downloadable), a WebP thumbnail and preview, hashes and both
vectors, as the indexer would give it. Planted on purpose: an exact duplicate pair, a
restricted asset (finance only), expired and expiring licences, an asset waiting for the
"lighthouse" tag, and hostile metadata (markup, quote-breaking, very long, right-to-left, emoji).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import imagehash
from PIL import Image, ImageDraw

from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.librarian.vocabulary import VocabularyTerm
from loupe_core.schema import Asset
from loupe_core.settings import Settings

TODAY = date.today()
EVERYONE = ["marketing", "science"]
HOSTILE_TITLE = "<script>alert(1)</script>"
QUOTE_BREAKER = '" onmouseover="alert(2)" x=\''
RTL_TITLE = "חתול שחור على الأريكة 🐈‍⬛ 🎉"
LONG_TITLE = "Panorama" + " of the very long northern coastline" * 12 + " " + "Unbrokenwordwithoutanyspaces" * 8
VOCABULARY = [
    VocabularyTerm(term="lighthouse", kind="tag", synonyms=["beacon"], prompt="a photo of a lighthouse"),
    VocabularyTerm(term="Places/Coast", kind="taxonomy", synonyms=["seaside", "shore"]),
    VocabularyTerm(term="fruit", kind="tag", synonyms=["produce"]),
]


def _draw(kind: str, variant: int = 0) -> Image.Image:
    """Distinct pictures, so thumbnails tell them apart and image search has a clear best match;
    `variant` tints the generic frame so no two assets share bytes unless planted."""
    image = Image.new("RGB", (320, 240), (255 - 20 * variant, 250, 235 + variant))
    draw = ImageDraw.Draw(image)
    if kind == "harbour":
        draw.rectangle((0, 0, 320, 140), fill=(135, 180, 220))
        draw.rectangle((0, 140, 320, 240), fill=(30, 70, 120))
        draw.polygon([(100, 170), (220, 170), (200, 200), (120, 200)], fill=(120, 60, 30))
    elif kind == "lighthouse":
        draw.rectangle((0, 0, 320, 240), fill=(90, 140, 200))
        draw.rectangle((145, 60, 175, 200), fill=(240, 240, 240))
        draw.rectangle((145, 100, 175, 120), fill=(200, 30, 30))
        draw.rectangle((0, 200, 320, 240), fill=(80, 90, 70))
    elif kind == "apple":
        draw.ellipse((90, 50, 230, 190), fill=(200, 20, 30))
        draw.rectangle((157, 30, 163, 60), fill=(90, 60, 20))
    elif kind == "sunset":
        for y in range(150):
            draw.line((0, y, 320, y), fill=(255, 120 + y // 3, 40))
        draw.rectangle((0, 150, 320, 240), fill=(20, 30, 80))
    elif kind == "forest":
        draw.rectangle((0, 0, 320, 240), fill=(200, 230, 200))
        for x in range(10, 320, 40):
            draw.polygon([(x, 200), (x + 20, 60), (x + 40, 200)], fill=(20, 110, 40))
    else:
        draw.rectangle((40, 40, 280, 200), outline=(60, 60, 60 + 15 * variant), width=8)
        draw.line((40, 40 + 15 * variant, 280, 200), fill=(60, 60, 60), width=8)
    return image


@dataclass(frozen=True)
class Planned:
    id: str
    picture: str
    metadata: dict[str, object]


PLAN = [
    Planned("coast/harbour.png", "harbour", {
        "title": "Harbour at dawn", "description": "Fishing boat in a calm harbour by the sea.",
        "tags": ["boat", "harbour"], "taxonomy": ["Places/Coast"], "groups": ["marketing"],
        "license_expires": TODAY + timedelta(days=400), "credit": "Loupe Studio",
    }),
    Planned("coast/harbour-copy.png", "harbour", {
        "title": "Harbour at dawn (copy)", "description": "A second upload of the harbour photo.",
        "tags": ["boat"], "taxonomy": ["Places/Coast"], "groups": ["marketing"], "status": "draft",
    }),
    Planned("coast/lighthouse.png", "lighthouse", {
        "title": "Lighthouse on the cliff", "description": "White tower with a red band above the sea.",
        "tags": ["tower"], "taxonomy": ["Places/Coast"], "groups": EVERYONE, "creator": "Ana Lopes",
        "camera_make": "Fujifilm", "camera_model": "X-T4", "lens": "XF 18-55mm", "colors": ["#5a8cc8", "#f0f0f0"],
        "provenance": {"title": "sidecar", "camera_make": "exif"},
    }),
    Planned("food/apple.png", "apple", {
        "title": "Red apple", "description": "One shiny red apple on white.", "tags": ["fruit", "red"],
        "taxonomy": ["Food/Fruit"], "groups": EVERYONE, "license_expires": TODAY + timedelta(days=5),
    }),
    Planned("coast/sunset.png", "sunset", {
        "title": "Sunset over the sea", "description": "Orange sky over a dark sea.", "tags": ["sunset", "sky"],
        "taxonomy": ["Places/Coast"], "groups": EVERYONE,
    }),
    Planned("nature/forest.png", "forest", {
        "title": "Pine forest", "description": "Rows of green pine trees.", "tags": ["trees"],
        "taxonomy": ["Places/Forest"], "groups": EVERYONE,
    }),
    Planned("finance/report.png", "frame", {
        "title": "Quarterly revenue chart", "description": "Confidential figures.", "tags": ["finance"],
        "taxonomy": ["Business"], "groups": ["finance"],
    }),
    Planned("archive/poster.png", "frame", {
        "title": "Old campaign poster", "tags": ["poster"], "taxonomy": ["Business"], "groups": EVERYONE,
        "license_expires": TODAY - timedelta(days=10),
    }),
    Planned("hostile/script.png", "frame", {
        "title": HOSTILE_TITLE, "description": QUOTE_BREAKER, "tags": [QUOTE_BREAKER, "<b>bold</b>"],
        "taxonomy": [f"Weird/{QUOTE_BREAKER}"], "groups": EVERYONE, "owner": QUOTE_BREAKER,
    }),
    Planned("hostile/rtl.png", "frame", {"title": RTL_TITLE, "tags": ["חתול", "🐈"], "groups": EVERYONE}),
    Planned("hostile/long.png", "frame", {"title": LONG_TITLE, "tags": ["x" * 300], "groups": EVERYONE}),
]  # fmt: skip


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _webp(image: Image.Image, path: Path, longest: int) -> None:
    copy = image.copy()
    copy.thumbnail((longest, longest))
    copy.save(path, "WEBP")


def picture_png(kind: str) -> bytes:
    """The exact bytes an asset was built from, for uploads that must find it."""
    return _png(_draw(kind))


def build_library(settings: Settings, encoders: Encoders) -> list[Asset]:
    clip, text = encoders.clip(), encoders.text()
    assert clip is not None and text is not None, encoders.problems
    originals = settings.data_dir / "originals"
    for folder in (originals, settings.thumbnails_dir, settings.previews_dir):
        folder.mkdir(parents=True, exist_ok=True)
    assets = []
    for index, plan in enumerate(PLAN):
        image = _draw(plan.picture, index if plan.picture == "frame" else 0)
        data = _png(image)
        sha = hashlib.sha256(data).hexdigest()
        original = originals / f"{index:02d}-{Path(plan.id).name}"
        original.write_bytes(data)
        _webp(image, settings.thumbnails_dir / f"{sha}.webp", 160)
        _webp(image, settings.previews_dir / f"{sha}.webp", 640)
        asset = Asset(
            id=plan.id,
            filename=Path(plan.id).name,
            file_type="png",
            orientation="landscape",
            path=str(original),
            thumbnail=f"{sha}.webp",
            preview=f"{sha}.webp",
            sha256=sha,
            phash=str(imagehash.phash(image)),
            dhash=str(imagehash.dhash(image)),
            width=image.width,
            height=image.height,
            bytes=len(data),
            created_at=datetime(2024, 1, 1 + index, 9, 0, tzinfo=UTC),
            image_vector=clip.encode_images([image])[0].tolist(),
            **plan.metadata,  # type: ignore[arg-type]
        )
        assets.append(asset.model_copy(update={"text_vector": text.encode_texts([metadata_text(asset)])[0].tolist()}))
    return assets
