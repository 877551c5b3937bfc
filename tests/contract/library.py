"""The contract fixture library: hand-written assets plus generated filler, with known answers.

Vectors are drawn around one centre per top-level category, so nearest neighbours of a centre
are that category's assets; expected answers are computed here in plain Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from loupe_core.schema import Asset, taxonomy_ancestors

TODAY = date(2026, 6, 1)
CATEGORIES = ["Animals", "Food", "Space", "Nature", "People"]

HAND_WRITTEN: list[dict[str, object]] = [
    {
        "id": "cat-1",
        "title": "Chelsea the tabby cat",
        "tags": ["cat", "kitten", "pet"],
        "taxonomy": ["Animals/Cats"],
        "description": "A tabby cat looks into the camera.",
        "owner": "alice",
        "groups": ["marketing"],
    },
    {
        "id": "dog-1",
        "title": "Golden retriever in the park",
        "tags": ["dog", "pet"],
        "taxonomy": ["Animals/Dogs"],
        "description": "A happy dog runs on the grass.",
        "owner": "bob",
        "groups": ["brand"],
    },
    {
        "id": "coffee-1",
        "title": "Espresso coffee cup",
        "tags": ["coffee", "drink"],
        "taxonomy": ["Food/Drinks/Coffee"],
        "description": "Fresh espresso on a wooden table.",
        "owner": "alice",
        "groups": ["marketing"],
    },
    {
        "id": "apple-1",
        "title": "Red apples at the market",
        "tags": ["fruit", "apple"],
        "taxonomy": ["Food/Fruit"],
        "description": "Crates of apples.",
        "owner": "carol",
        "groups": ["brand"],
    },
    {
        "id": "rocket-1",
        "title": "Rocket launch at dawn",
        "tags": ["rocket", "space"],
        "taxonomy": ["Space/Rockets"],
        "description": "A rocket lifts off the launch pad.",
        "owner": "dave",
        "groups": ["science"],
    },
    {
        "id": "astronaut-1",
        "title": "Astronaut portrait",
        "tags": ["space", "person"],
        "taxonomy": ["People/Portraits", "Space"],
        "description": "Portrait of an astronaut in a suit.",
        "owner": "dave",
        "groups": ["science", "marketing"],
    },
    {
        "id": "storm-1",
        "title": "Storm clouds over a desert road",
        "tags": ["storm", "clouds", "road"],
        "taxonomy": ["Nature/Weather"],
        "description": "Dark clouds gather above an empty road.",
        "owner": "erin",
        "groups": [],
    },
    {
        "id": "lighthouse-1",
        "title": "Lighthouse on the cliff",
        "tags": ["coast"],
        "taxonomy": ["Nature/Coast"],
        "description": "White tower above the sea.",
        "owner": "erin",
        "groups": ["brand"],
    },
    {
        "id": "beach-1",
        "title": "Empty beach at noon",
        "tags": ["coast", "sand"],
        "taxonomy": ["Nature/Coast"],
        "description": "Seen from the old lighthouse, the beach is empty.",
        "owner": "erin",
        "groups": ["brand"],
    },
    {
        "id": "hostile-1",
        "title": '<script>alert(1)</script> "quoted" cat',
        "tags": ["cat"],
        "taxonomy": ["Animals/Cats"],
        "description": "Hostile metadata must render escaped.",
        "owner": "mallory",
        "groups": ["marketing"],
        "status": "draft",
    },
]

FILLER_WORDS = ["sunset", "city", "office", "team", "product", "bottle", "mountain", "river", "studio", "campaign"]
STATUSES = ["approved", "approved", "approved", "draft", "archived"]
FILE_TYPES = ["jpeg", "png", "webp"]
ORIENTATIONS = ["landscape", "portrait", "square"]
FILLER_TAXONOMY = {
    "Animals": ["Animals/Birds"],
    "Food": ["Food/Bakery", "Food/Fruit"],
    "Space": ["Space/Planets"],
    "Nature": ["Nature/Mountains", "Nature/Rivers"],
    "People": ["People/Teams"],
}


def _category(asset: dict[str, object]) -> str:
    return str(next(iter(asset["taxonomy"]))).split("/")[0]  # type: ignore[call-overload]


def build_library(filler: int = 40, seed: int = 7) -> tuple[list[Asset], dict[str, np.ndarray]]:
    """Assets with deterministic metadata and vectors, and the per-category centres."""
    rng = np.random.default_rng(seed)
    centres = {c: rng.normal(size=512) for c in CATEGORIES}
    text_centres = {c: rng.normal(size=384) for c in CATEGORIES}
    records: list[dict[str, object]] = [dict(a) for a in HAND_WRITTEN]
    for i in range(filler):
        category = CATEGORIES[i % len(CATEGORIES)]
        words = [FILLER_WORDS[(i * 3 + k) % len(FILLER_WORDS)] for k in range(2)]
        records.append(
            {
                "id": f"filler-{i:03d}",
                "title": f"{words[0].title()} {words[1]} shot {i}",
                "tags": words,
                "taxonomy": [FILLER_TAXONOMY[category][i % len(FILLER_TAXONOMY[category])]],
                "description": f"Generated {category.lower()} asset number {i}.",
                "owner": ["alice", "bob", "carol"][i % 3],
                "groups": [["marketing"], ["brand"], ["science"], []][i % 4],
            }
        )
    assets: list[Asset] = []
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for i, record in enumerate(records):
        category = _category(record)
        record.setdefault("status", STATUSES[i % len(STATUSES)] if record["id"] != "cat-1" else "approved")
        expires = [None, TODAY - timedelta(days=10), TODAY + timedelta(days=10), TODAY + timedelta(days=400)][i % 4]
        assets.append(
            Asset(
                **record,  # type: ignore[arg-type]
                filename=f"{record['id']}.jpg",
                file_type=FILE_TYPES[i % 3],
                orientation=ORIENTATIONS[i % 3],
                width=1000 + i,
                height=800,
                created_at=base + timedelta(days=7 * i),
                indexed_at=base + timedelta(days=i),
                license_expires=expires,
                sha256=f"{i:064x}",
                image_vector=(centres[category] + 0.6 * rng.normal(size=512)).tolist(),
                text_vector=(text_centres[category] + 0.6 * rng.normal(size=384)).tolist(),
            )
        )
    return assets, centres


def taxonomy_counts(assets: list[Asset]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for asset in assets:
        for path in {a for p in asset.taxonomy for a in taxonomy_ancestors(p)}:
            counts[path] = counts.get(path, 0) + 1
    return counts


def exact_neighbours(assets: list[Asset], query: np.ndarray, k: int, field: str = "image_vector") -> list[str]:
    q = query / np.linalg.norm(query)
    scored = []
    for asset in assets:
        vector = np.asarray(getattr(asset, field))
        scored.append((-float(vector @ q / np.linalg.norm(vector)), asset.id))
    return [asset_id for _, asset_id in sorted(scored)[:k]]
