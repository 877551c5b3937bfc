"""A synthetic asset library for the benchmarks: realistic shape, known answers, no files on disk.

Why synthetic: the benchmark must run anywhere (CI included) at 10k-100k assets without
downloading a photo collection, yet exercise what real libraries stress: a Zipf-skewed
vocabulary (a few tags on half the assets, a long tail on few), a hierarchical taxonomy,
per-owner and per-group visibility, and embeddings that cluster by topic (so a k-NN search
has structure to find and filters cut through clusters instead of picking random points).

Everything is drawn from one seeded generator, so two runs with the same `--n` and seed load
identical libraries into every engine, and exact answers (recall ground truth, ACL masks) are
computed here from the same arrays in NumPy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from loupe_core.principal import Principal, Role
from loupe_core.schema import Asset, AssetStatus

IMAGE_DIM = 512
TEXT_DIM = 384
TODAY = date(2026, 6, 1)
HIDDEN_STATUSES = ("archived", "retired")

# Topic -> (taxonomy subtrees, words). Titles and tags draw mostly from the asset's topic.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Nature": (
        ("Landscape/Mountains", "Landscape/Coast", "Landscape/Desert", "Weather/Storms", "Weather/Snow",
         "Plants/Trees"),
        (
            "mountain", "river", "forest", "lake", "sunset", "sunrise", "cloud", "storm", "snow", "valley",
            "beach", "coast", "wave", "desert", "dune", "tree", "meadow", "flower", "waterfall", "glacier",
            "fog", "rain", "cliff", "island", "canyon", "autumn", "spring", "moss", "rock", "sky",
        ),
    ),
    "Animals": (
        ("Pets/Cats", "Pets/Dogs", "Wildlife/Birds", "Wildlife/Mammals", "Marine/Fish", "Insects"),
        (
            "cat", "dog", "kitten", "puppy", "bird", "eagle", "owl", "fox", "deer", "bear",
            "whale", "dolphin", "fish", "butterfly", "bee", "horse", "rabbit", "wolf", "lion", "tiger",
            "parrot", "penguin", "squirrel", "turtle", "frog", "duck", "swan", "cow", "sheep", "goat",
        ),
    ),
    "Food": (
        ("Drinks/Coffee", "Drinks/Tea", "Fruit", "Baking/Bread", "Meals/Dinner", "Meals/Breakfast"),
        (
            "coffee", "espresso", "tea", "bread", "cake", "apple", "orange", "banana", "salad", "pasta",
            "pizza", "soup", "cheese", "wine", "beer", "chocolate", "berry", "lemon", "croissant", "breakfast",
            "dinner", "lunch", "kitchen", "table", "plate", "cup", "market", "spice", "honey", "vegetable",
        ),
    ),
    "People": (
        ("Portraits", "Business/Meetings", "Business/Office", "Sports/Running", "Sports/Football", "Family"),
        (
            "portrait", "smile", "woman", "man", "child", "family", "team", "meeting", "office", "laptop",
            "runner", "athlete", "football", "crowd", "friends", "couple", "student", "teacher", "doctor", "chef",
            "artist", "musician", "dancer", "worker", "engineer", "handshake", "presentation", "celebration",
            "wedding", "graduation",
        ),
    ),
    "City": (
        ("Architecture/Bridges", "Architecture/Towers", "Streets", "Transport/Trains", "Transport/Cars", "Night"),
        (
            "street", "building", "bridge", "tower", "skyline", "traffic", "car", "bus", "train", "station",
            "subway", "bicycle", "cafe", "shop", "neon", "night", "window", "door", "roof", "square",
            "fountain", "church", "museum", "harbor", "airport", "road", "alley", "graffiti", "market", "park",
        ),
    ),
    "Technology": (
        ("Devices/Phones", "Devices/Computers", "Industry/Factories", "Energy/Solar", "Energy/Wind", "Science/Labs"),
        (
            "phone", "computer", "screen", "keyboard", "robot", "circuit", "server", "cable", "drone", "camera",
            "factory", "machine", "solar", "panel", "turbine", "battery", "laboratory", "microscope", "rocket",
            "satellite", "code", "data", "network", "chip", "sensor", "printer", "vr", "headset", "antenna", "grid",
        ),
    ),
    "Travel": (
        ("Europe/Italy", "Europe/France", "Asia/Japan", "Americas/USA", "Africa/Kenya", "Oceania/Australia"),
        (
            "travel", "hotel", "suitcase", "passport", "map", "tourist", "temple", "castle", "ruins", "village",
            "harbour", "boat", "ferry", "resort", "camping", "tent", "hiking", "trail", "backpack", "monument",
            "palace", "bazaar", "lantern", "gondola", "safari", "vineyard", "cathedral", "plaza", "lighthouse", "pier",
        ),
    ),
    "Abstract": (
        ("Textures", "Patterns", "Colours/Blue", "Colours/Red", "Light", "Minimal"),
        (
            "texture", "pattern", "gradient", "blue", "red", "green", "yellow", "purple", "light", "shadow",
            "line", "circle", "geometry", "paper", "metal", "wood", "glass", "marble", "concrete", "fabric",
            "bokeh", "reflection", "smoke", "ink", "paint", "minimal", "background", "wallpaper", "noise", "grain",
        ),
    ),
}  # fmt: skip
ADJECTIVES = (
    "golden", "quiet", "bright", "dark", "colourful", "vintage", "modern", "misty", "sunny", "frozen",
    "busy", "empty", "tiny", "giant", "wild", "calm", "old", "new", "warm", "cold",
)  # fmt: skip
_TOPIC_NAMES = list(TOPICS)
_TOPIC_WORDS = [words for _, words in TOPICS.values()]
FILE_TYPES = (("jpeg", 0.6), ("png", 0.2), ("tiff", 0.1), ("heic", 0.05), ("webp", 0.05))
ORIENTATIONS = (("landscape", 0.55), ("portrait", 0.35), ("square", 0.10))
STATUSES = (("approved", 0.85), ("draft", 0.07), ("archived", 0.05), ("retired", 0.03))

Vectors = npt.NDArray[np.float32]


def zipf_weights(count: int, exponent: float = 1.1) -> npt.NDArray[np.float64]:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def _unit(matrix: npt.NDArray[np.floating]) -> Vectors:
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)


def _choice(rng: np.random.Generator, table: tuple[tuple[str, float], ...], size: int) -> list[str]:
    names = [name for name, _ in table]
    return [names[i] for i in rng.choice(len(names), size=size, p=[p for _, p in table])]


@dataclass
class LibraryShape:
    """How many owners, groups and vector clusters; scaled with N so selectivities stay realistic."""

    owners: int
    groups: int
    clusters: int

    @classmethod
    def for_size(cls, n: int) -> LibraryShape:
        return cls(owners=max(20, n // 200), groups=max(20, min(400, n // 250)), clusters=max(16, min(256, n // 400)))


class SyntheticLibrary:
    """N assets as parallel arrays; `Asset` records are built lazily, chunk by chunk."""

    def __init__(self, n: int, seed: int = 7) -> None:
        self.n = n
        self.seed = seed
        self.shape = LibraryShape.for_size(n)
        rng = np.random.default_rng(seed)
        topics = list(TOPICS)
        self.topic_of_cluster = rng.integers(0, len(topics), size=self.shape.clusters)
        self.image_centres = _unit(rng.standard_normal((self.shape.clusters, IMAGE_DIM)))
        self.text_centres = _unit(rng.standard_normal((self.shape.clusters, TEXT_DIM)))
        self.cluster = rng.choice(self.shape.clusters, size=n, p=zipf_weights(self.shape.clusters, 0.6))
        # Noise of norm ~1.1 around a unit centre: neighbours are mostly, not only, from one cluster.
        self.image = _unit(self.image_centres[self.cluster] + rng.standard_normal((n, IMAGE_DIM)) * 0.05)
        self.text = _unit(self.text_centres[self.cluster] + rng.standard_normal((n, TEXT_DIM)) * 0.055)
        self.owners = [f"user{i:04d}" for i in range(self.shape.owners)]
        self.groups = [f"team-{i:03d}" for i in range(self.shape.groups)]
        self.owner = rng.choice(self.shape.owners, size=n, p=zipf_weights(self.shape.owners, 0.8))
        self.group_weights = zipf_weights(self.shape.groups, 0.9)
        self.group_membership = self._draw_groups(rng)
        self.status = np.array(_choice(rng, STATUSES, n))
        self.file_type = _choice(rng, FILE_TYPES, n)
        self.orientation = _choice(rng, ORIENTATIONS, n)
        self.created_days = rng.integers(0, 5 * 365, size=n)
        has_licence = rng.random(n) < 0.6
        self.licence_days = np.where(has_licence, rng.integers(-400, 900, size=n), np.iinfo(np.int32).min)
        self.hidden = np.isin(self.status, HIDDEN_STATUSES)
        self.owner_names = np.array(self.owners)[self.owner]
        self._word_weights = zipf_weights(len(_TOPIC_WORDS[0]), 1.1)
        self._subtree_weights = zipf_weights(len(TOPICS[_TOPIC_NAMES[0]][0]))

    def _draw_groups(self, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
        """1-3 groups per asset with Zipf popularity: a few big teams, many small ones."""
        membership = np.zeros((self.n, self.shape.groups), dtype=bool)
        weights = self.group_weights
        counts = rng.choice([1, 2, 3], size=self.n, p=[0.6, 0.3, 0.1])
        for slot in range(3):
            rows = np.flatnonzero(counts > slot)
            membership[rows, rng.choice(self.shape.groups, size=len(rows), p=weights)] = True
        return membership

    # -- metadata ---------------------------------------------------------------------------
    def _words(self, rng: np.random.Generator, topic: int, count: int) -> list[str]:
        """Zipf within the topic's words (so some are everywhere), 15% from any other topic."""
        picks = rng.choice(len(_TOPIC_WORDS[0]), size=count, p=self._word_weights)
        topics = np.where(rng.random(count) < 0.15, rng.integers(len(_TOPIC_WORDS), size=count), topic)
        return [_TOPIC_WORDS[t][w] for t, w in zip(topics, picks, strict=True)]

    def asset(self, index: int, rng: np.random.Generator) -> Asset:
        topic_index = int(self.topic_of_cluster[self.cluster[index]])
        topic = _TOPIC_NAMES[topic_index]
        subtrees = TOPICS[topic][0]
        title_words = self._words(rng, topic_index, int(rng.integers(2, 5)))
        tags = self._words(rng, topic_index, int(rng.integers(3, 9)))
        adjective = ADJECTIVES[int(rng.integers(len(ADJECTIVES)))]
        taxonomy = [f"{topic}/{subtrees[int(rng.choice(len(subtrees), p=self._subtree_weights))]}"]
        if rng.random() < 0.1:
            other = _TOPIC_NAMES[int(rng.integers(len(_TOPIC_NAMES)))]
            taxonomy.append(f"{other}/{TOPICS[other][0][0]}")
        licence = int(self.licence_days[index])
        created = datetime(2021, 6, 1, tzinfo=UTC) + timedelta(days=int(self.created_days[index]))
        return Asset(
            id=f"asset-{index:07d}",
            title=" ".join([adjective.capitalize(), *title_words]),
            description=f"A {adjective} scene with {', '.join(self._words(rng, topic_index, 6))} in {topic.lower()}.",
            tags=tags,
            filename=f"{'_'.join(title_words[:2])}_{index:07d}.{self.file_type[index]}",
            taxonomy=taxonomy,
            owner=self.owners[int(self.owner[index])],
            groups=[self.groups[g] for g in np.flatnonzero(self.group_membership[index])],
            status=AssetStatus(self.status[index]),
            file_type=self.file_type[index],
            orientation=self.orientation[index],
            created_at=created,
            indexed_at=created + timedelta(days=1),
            license_expires=None if licence == np.iinfo(np.int32).min else TODAY + timedelta(days=licence),
            width=4000,
            height=3000,
            image_vector=self.image[index].tolist(),
            text_vector=self.text[index].tolist(),
        )

    def chunks(self, size: int) -> Iterator[list[Asset]]:
        """Assets in id order; a per-chunk generator keeps any chunk reproducible on its own."""
        for start in range(0, self.n, size):
            rng = np.random.default_rng([self.seed, start])
            yield [self.asset(i, rng) for i in range(start, min(start + size, self.n))]

    # -- queries and answers ----------------------------------------------------------------
    def query_vectors(self, rng: np.random.Generator, count: int) -> tuple[Vectors, Vectors]:
        """Query points near cluster centres (what a text or image query lands on), never an asset."""
        clusters = rng.choice(self.shape.clusters, size=count, p=zipf_weights(self.shape.clusters, 0.6))
        image = _unit(self.image_centres[clusters] + rng.standard_normal((count, IMAGE_DIM)) * 0.05)
        text = _unit(self.text_centres[clusters] + rng.standard_normal((count, TEXT_DIM)) * 0.055)
        return image, text

    def visible_mask(self, principal: Principal) -> npt.NDArray[np.bool_]:
        """The permission rule of `loupe_core.principal`, in NumPy, as exact ground truth."""
        visibility = principal.visibility()
        if visibility.unrestricted:
            return np.ones(self.n, dtype=bool)
        owner = self.owner_names == visibility.owner
        columns = [self.groups.index(g) for g in visibility.groups]
        shared = self.group_membership[:, columns].any(axis=1) if columns else np.zeros(self.n, dtype=bool)
        shared &= ~np.isin(self.status, sorted(visibility.owner_only_statuses))  # drafts: their owner only
        return (owner | shared) & ~self.hidden

    def principal_for(self, selectivity: float, rng: np.random.Generator) -> tuple[Principal, float]:
        """A viewer whose groups make about `selectivity` of the library visible; returns the real share.

        Groups are added in popularity-weighted random order (people tend to be in the big
        teams) until the visible share reaches the target, so one selectivity comes from
        different group mixes across queries.
        """
        owner = self.owners[int(rng.integers(self.shape.owners))]
        order = rng.choice(self.shape.groups, size=self.shape.groups, replace=False, p=self.group_weights)
        chosen: list[str] = []
        visible = np.zeros(self.n, dtype=bool)
        base = self.owner_names == owner
        for g in order:
            candidate = visible | self.group_membership[:, g]
            share = float(((candidate | base) & ~self.hidden).mean())
            if share > selectivity * 1.5 and chosen:
                continue
            chosen.append(self.groups[g])
            visible = candidate
            if share >= selectivity:
                break
        principal = Principal(user_id=owner, role=Role.viewer, groups=frozenset(chosen))
        return principal, float(self.visible_mask(principal).mean())

    def exact_top(self, vector: Vectors, mask: npt.NDArray[np.bool_], k: int, field: str = "image") -> list[str]:
        """Brute-force cosine top-k among visible assets: the recall reference for every engine."""
        matrix = self.image if field == "image" else self.text
        scores = np.where(mask, matrix @ vector, -np.inf)
        top = np.argsort(-scores, kind="stable")[:k]
        return [f"asset-{i:07d}" for i in top if np.isfinite(scores[i])]

    def popular_words(self, rng: np.random.Generator, count: int) -> list[str]:
        """Query words the way users type them: Zipf over each topic's words."""
        return [self._words(rng, int(rng.integers(len(_TOPIC_NAMES))), 1)[0] for _ in range(count)]
