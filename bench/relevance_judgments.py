"""Judged queries for `bench/relevance.py`: the demo library, and a library of real photos with
written DAM metadata (scikit-image's photos; resized and recompressed copies of a third of them
carry the same metadata, as re-uploads in a real DAM do).

Grades: 2 = what the query is about, 1 = related. Each query has a kind: exact words, a typo,
a controlled-vocabulary synonym, another form of a word (stemming), a description by meaning,
or nonsense (no relevant asset: only the number of results counts, and it should be 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("exact", "typo", "synonym", "stemming", "meaning", "nonsense")


@dataclass(frozen=True)
class Judged:
    kind: str
    text: str
    grades: dict[str, int] = field(default_factory=dict)


# The vocabulary both libraries search with (term, synonyms): the "synonym" queries need it.
VOCABULARY = {
    "cat": ["feline", "kitty"],
    "coffee": ["java"],
    "rocket": ["launch vehicle"],
    "motorcycle": ["moped"],
    "coins": ["numismatics"],
    "horse": ["pony"],
}

NONSENSE = [Judged("nonsense", text) for text in ("qwxzv", "blorpt fendix", "zxcvbn qwop", "vlimmerkrank")]

DEMO = [
    Judged("exact", "cat", {"demo-chelsea": 2, "demo-newsletter-header": 1}),
    Judged("exact", "espresso", {"demo-coffee": 2}),
    Judged("exact", "astronaut", {"demo-astronaut": 2}),
    Judged("exact", "coins", {"demo-coins": 2}),
    Judged("exact", "brick wall", {"demo-brick": 2}),
    Judged("exact", "motorcycle", {"demo-motorcycle": 2}),
    Judged("exact", "hubble", {"demo-hubble": 2}),
    Judged("exact", "logo", {"demo-logo": 2, "demo-colour-wheel": 1}),
    Judged("typo", "motorcyle", {"demo-motorcycle": 2}),
    Judged("typo", "astronuat", {"demo-astronaut": 2}),
    Judged("typo", "espreso", {"demo-coffee": 2}),
    Judged("typo", "hubbel", {"demo-hubble": 2}),
    Judged("synonym", "feline", {"demo-chelsea": 2, "demo-newsletter-header": 1}),
    Judged("synonym", "java", {"demo-coffee": 2}),
    Judged("synonym", "pony", {"demo-horse": 2}),
    Judged("synonym", "numismatics", {"demo-coins": 2}),
    Judged("stemming", "galaxy", {"demo-hubble": 2}),
    Judged("stemming", "launches", {"demo-rocket": 2}),
    Judged("stemming", "crater", {"demo-moon": 2}),
    Judged("stemming", "textures", {"demo-brick": 2, "demo-grass": 2}),
    Judged("meaning", "a kitten looking sideways", {"demo-chelsea": 2, "demo-newsletter-header": 1}),
    Judged("meaning", "morning drink", {"demo-coffee": 2}),
    Judged(
        "meaning",
        "outer space",
        {"demo-hubble": 2, "demo-moon": 2, "demo-rocket": 2, "demo-astronaut": 1},
    ),
    Judged("meaning", "medical imaging", {"demo-retina": 2, "demo-ihc": 2, "demo-cell": 1}),
    Judged("meaning", "ancient money", {"demo-coins": 2}),
    Judged("meaning", "woman pilot", {"demo-astronaut": 2}),
    Judged("meaning", "something to ride", {"demo-motorcycle": 2, "demo-horse": 1}),
    Judged("meaning", "what time is it", {"demo-clock": 2}),
    *NONSENSE,
]


@dataclass(frozen=True)
class PhotoMetadata:
    title: str
    description: str
    tags: str
    taxonomy: str


# skimage.data photo -> metadata written for this benchmark (not the demo library's wording).
PHOTOS: dict[str, PhotoMetadata] = {
    "astronaut": PhotoMetadata(
        "Commander in orange launch suit", "Official NASA portrait of a shuttle commander beside a flag.",
        "astronaut; NASA; spacesuit; portrait", "People/Portraits"),
    "brick": PhotoMetadata(
        "Weathered brick wall", "Rows of old red bricks with mortar lines, shot straight on.",
        "brick; masonry; wall", "Textures/Walls"),
    "camera": PhotoMetadata(
        "Photographer at work", "Black-and-white photo of a man looking through a camera on a tripod in a park.",
        "photographer; camera; tripod; man", "People/Work"),
    "cell": PhotoMetadata(
        "Single cell, phase image", "Quantitative phase image of one cell recorded with digital holography.",
        "cell; microscopy; biology; hologram", "Science/Microscopy"),
    "chelsea": PhotoMetadata(
        "Tabby cat close-up", "A young tabby cat with long whiskers looks to the left.",
        "cat; tabby; pet; whiskers", "Animals/Cats"),
    "clock": PhotoMetadata(
        "Wall clock, motion blur", "A round wall clock blurred by a sideways pan of the camera.",
        "clock; time; motion blur", "Objects/Clocks"),
    "coffee": PhotoMetadata(
        "Espresso in a white cup", "Espresso with crema in a porcelain cup on a wooden café table.",
        "coffee; espresso; café; cup", "Food/Drinks"),
    "coins": PhotoMetadata(
        "Ancient Greek coins", "Bronze and silver coins from an excavation, laid out on felt.",
        "coins; archaeology; museum; bronze", "Culture/Archaeology"),
    "grass": PhotoMetadata(
        "Lawn close-up", "Dense green grass blades filling the frame.",
        "grass; lawn; green; nature", "Nature/Plants"),
    "gravel": PhotoMetadata(
        "Gravel path", "Small grey stones of a garden path seen from above.",
        "gravel; stones; pebbles; ground", "Textures/Ground"),
    "hubble_deep_field": PhotoMetadata(
        "Deep field galaxies", "Thousands of distant galaxies seen by the Hubble telescope.",
        "galaxies; Hubble; universe; stars", "Space/Galaxies"),
    "immunohistochemistry": PhotoMetadata(
        "Stained colon tissue", "Immunohistochemistry stain of colonic glands, brown and blue.",
        "histology; stain; tissue; laboratory", "Science/Medicine"),
    "moon": PhotoMetadata(
        "Lunar surface", "Craters and maria of the Moon through a telescope.",
        "moon; craters; telescope", "Space/Moon"),
    "page": PhotoMetadata(
        "Scanned book page", "Greyscale scan of a printed page with uneven light.",
        "document; text; scan; page", "Documents/Scans"),
    "retina": PhotoMetadata(
        "Retina fundus photo", "Optic disc, macula and blood vessels of a healthy eye.",
        "retina; eye; ophthalmology; medical", "Science/Medicine"),
    "rocket": PhotoMetadata(
        "Falcon 9 at dusk", "A SpaceX rocket lifts off from Cape Canaveral with a satellite.",
        "rocket; launch; SpaceX; satellite", "Space/Rockets"),
    "stereo_motorcycle": PhotoMetadata(
        "Sport motorcycle in a studio", "A red sport motorbike photographed from its left side.",
        "motorcycle; motorbike; vehicle; studio", "Transport/Motorcycles"),
    "text": PhotoMetadata(
        "Printed letters and numbers", "A photo of printed characters on paper for OCR tests.",
        "text; letters; typography; OCR", "Documents/Typography"),
}  # fmt: skip
COPIED = ("chelsea", "coffee", "rocket", "astronaut", "moon", "stereo_motorcycle")
"""Photos that also arrive as a resized web export and a recompressed email copy."""
COPY_SUFFIXES = ("web", "email")


def photo_ids(name: str) -> list[str]:
    """The asset ids of a photo and of its copies (all judged alike: the same picture)."""
    base = f"photo-{name.replace('_', '-')}"
    return [base, *(f"{base}-{suffix}" for suffix in COPY_SUFFIXES)] if name in COPIED else [base]


def picture_of(asset_id: str) -> str:
    """The picture an asset shows: a copy counts as its original (the demo's newsletter header is
    a resized Chelsea). Judged and measured per picture, so three copies of one photo on the
    first page count once, and push other pictures down."""
    if asset_id == "demo-newsletter-header":
        return "demo-chelsea"
    for suffix in COPY_SUFFIXES:
        if asset_id.startswith("photo-") and asset_id.endswith(f"-{suffix}"):
            return asset_id.removesuffix(f"-{suffix}")
    return asset_id


def _photos(grades: dict[str, int]) -> dict[str, int]:
    return {asset_id: grade for name, grade in grades.items() for asset_id in photo_ids(name)}


PHOTO_QUERIES = [
    Judged("exact", "cat", _photos({"chelsea": 2})),
    Judged("exact", "espresso", _photos({"coffee": 2})),
    Judged("exact", "galaxies", _photos({"hubble_deep_field": 2})),
    Judged("exact", "motorcycle", _photos({"stereo_motorcycle": 2})),
    Judged("exact", "gravel", _photos({"gravel": 2})),
    Judged("exact", "tripod", _photos({"camera": 2})),
    Judged("typo", "astronuat", _photos({"astronaut": 2})),
    Judged("typo", "espreso", _photos({"coffee": 2})),
    Judged("typo", "motorcyle", _photos({"stereo_motorcycle": 2})),
    Judged("typo", "tabbby cat", _photos({"chelsea": 2})),
    Judged("synonym", "feline", _photos({"chelsea": 2})),
    Judged("synonym", "java", _photos({"coffee": 2})),
    Judged("synonym", "moped", _photos({"stereo_motorcycle": 2})),
    Judged("synonym", "numismatics", _photos({"coins": 2})),
    Judged("stemming", "crater", _photos({"moon": 2})),
    Judged("stemming", "launches", _photos({"rocket": 2})),
    Judged("stemming", "stone", _photos({"gravel": 2})),
    Judged("stemming", "galaxy", _photos({"hubble_deep_field": 2})),
    Judged("meaning", "a pet animal", _photos({"chelsea": 2})),
    Judged("meaning", "morning drink", _photos({"coffee": 2})),
    Judged("meaning", "outer space", _photos({"hubble_deep_field": 2, "moon": 2, "rocket": 1, "astronaut": 1})),
    Judged("meaning", "medical imaging", _photos({"retina": 2, "immunohistochemistry": 2, "cell": 1})),
    Judged("meaning", "a man taking pictures", _photos({"camera": 2})),
    Judged("meaning", "old money", _photos({"coins": 2})),
    Judged("meaning", "written words", _photos({"page": 2, "text": 2})),
    Judged("meaning", "backyard lawn", _photos({"grass": 2})),
    *NONSENSE,
]
