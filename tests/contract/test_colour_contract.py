"""Colour search on every backend: the same assets for every colour and tolerance, and the colour facet.

The library mixes colours extracted for real from painted pictures with colours placed at known
CIELAB distances from a target, some exactly on the tolerance, where a float computed
differently by two backends would make them disagree. Expected answers come from
`colour_space.within_delta_e`, the rule itself.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw

from indexer.colors import colour_summary
from loupe_core.colour_space import pack_lab, parse_colour, srgb_to_lab, unpack_lab, within_delta_e
from loupe_core.principal import Principal, Role
from loupe_core.query import FacetName, Filters, Query, SearchMode, VectorField
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore
from tests.backends import BACKENDS, close_backend, open_backend
from tests.contract.library import TODAY

BRAND_BLUE = "#1e50a0"
PAINTINGS = {
    "sea": [((0, 0, 200, 120), "#1e50a0"), ((0, 120, 200, 150), "#f2e6c8")],
    "meadow": [((0, 0, 200, 80), "#87ceeb"), ((0, 80, 200, 150), "#3c8c32")],
    "sunset": [((0, 0, 200, 100), "#f08c28"), ((0, 100, 200, 150), "#502850")],
    "night-sea": [((0, 0, 200, 150), "#141e6e")],
}


def painting(regions: list[tuple[tuple[int, int, int, int], str]]) -> Image.Image:
    image = Image.new("RGB", (200, 150))
    draw = ImageDraw.Draw(image)
    for box, colour in regions:
        draw.rectangle(box, fill=colour)
    return image


def placed_colours(rng: random.Random) -> list[Asset]:
    """Colours at exact integer offsets from the brand blue: inside, on and just past ΔE 20."""
    light, a, b = (int(v) for v in unpack_lab([parse_colour(BRAND_BLUE)])[0])
    offsets = [(20, 0, 0), (0, -20, 0), (12, 16, 0), (0, 12, -16), (21, 0, 0), (12, 16, 1), (0, 0, 0), (-5, 5, 5)]
    assets = []
    for i, (dl, da, db) in enumerate(offsets):
        packed = ((light + dl) << 16) | ((a + da + 128) << 8) | (b + db + 128)
        assets.append(Asset(id=f"placed-{i}", color_lab=[packed], color_families=["blue"], groups=["brand"]))
    for i in range(60):
        lab = [[rng.uniform(0, 100), rng.uniform(-100, 100), rng.uniform(-100, 100)] for _ in range(rng.randint(0, 4))]
        group = "brand" if i % 3 else "secret"
        families = ["gray"] if i % 2 else ["red", "gray"]
        packed = pack_lab(lab) if lab else []
        assets.append(Asset(id=f"random-{i}", color_lab=packed, color_families=families, groups=[group]))
    return assets


def painted_assets() -> list[Asset]:
    assets = []
    for name, regions in PAINTINGS.items():
        summary = colour_summary(painting(regions))
        assets.append(
            Asset(
                id=name,
                title=f"{name} painting",
                colors=summary.colors,
                color_families=summary.families,
                color_lab=summary.lab,
                groups=["brand"],
            )
        )
    return assets


def vector_of(asset_id: str) -> np.ndarray:
    vector = np.random.default_rng(zlib.crc32(asset_id.encode())).normal(size=512).astype(np.float32)
    return vector / np.linalg.norm(vector)


LIBRARY = [
    a.model_copy(update={"image_vector": vector_of(a.id).tolist()})
    for a in painted_assets() + placed_colours(random.Random(7))
]


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssetStore]:
    backend_store = open_backend(request.param, tmp_path_factory.mktemp(request.param), request)
    assert backend_store.upsert(LIBRARY).failures == []
    backend_store.refresh()
    yield backend_store
    close_backend(backend_store)


def matching(filters: Filters, principal: Principal | None = None, text: str = "") -> list[str]:
    return sorted(
        a.id
        for a in LIBRARY
        if a.color_lab
        and within_delta_e(a.color_lab, filters.color_lab or 0, filters.color_delta_e).any()
        and (principal is None or principal.visibility().allows(a.owner, a.groups, a.status.value))
        and (not text or text in a.title)
    )


def found(store: AssetStore, filters: Filters, **kwargs: object) -> list[str]:
    query = Query(filters=filters, size=200, today=TODAY, mode=SearchMode.keyword, **kwargs)  # type: ignore[arg-type]
    return sorted(hit.asset.id for hit in store.search(query).hits)


@pytest.mark.parametrize("delta_e", [1, 10, 20, 35, 60])
def test_colour_filter_is_the_delta_e_rule_exactly(store: AssetStore, delta_e: int) -> None:
    filters = Filters(color=BRAND_BLUE, color_delta_e=delta_e)
    assert found(store, filters) == matching(filters)


def test_tolerance_is_inclusive_on_both_backends(store: AssetStore) -> None:
    hits = found(store, Filters(color=BRAND_BLUE, color_delta_e=20))
    assert {"placed-0", "placed-1", "placed-2", "placed-3", "placed-6", "placed-7"} <= set(hits)
    assert not {"placed-4", "placed-5"} & set(hits)  # ΔE 21 and sqrt(401)


@pytest.mark.parametrize("seed", range(6))
def test_random_targets_agree_with_the_rule(store: AssetStore, seed: int) -> None:
    rng = random.Random(seed)
    target = f"#{rng.randrange(0x1000000):06x}"
    filters = Filters(color=target, color_delta_e=rng.choice([8, 15, 25, 40]))
    assert found(store, filters) == matching(filters)


def test_real_pictures_match_their_painted_colour(store: AssetStore) -> None:
    assert found(store, Filters(color=BRAND_BLUE, color_delta_e=10), text="painting") == ["sea"]
    assert found(store, Filters(color="navy", color_delta_e=25), text="painting") == ["night-sea", "sea"]
    assert found(store, Filters(color="#3c8c32", color_delta_e=5), text="painting") == ["meadow"]


def test_colour_filter_respects_visibility_and_other_filters(store: AssetStore) -> None:
    viewer = Principal(user_id="vic", role=Role.viewer, groups=frozenset({"brand"}))
    filters = Filters(color="#808080", color_delta_e=45)
    assert found(store, filters, principal=viewer) == matching(filters, viewer)
    assert not [i for i in found(store, filters, principal=viewer) if i.startswith("random-") and int(i[7:]) % 3 == 0]
    narrowed = Filters(color="#808080", color_delta_e=45, color_family=("red",))
    expected = [i for i in matching(filters) if "red" in next(a for a in LIBRARY if a.id == i).color_families]
    assert found(store, narrowed) == expected


def test_colour_family_facet_counts_the_filtered_set(store: AssetStore) -> None:
    filters = Filters(color=BRAND_BLUE, color_delta_e=35)
    query = Query(filters=filters, size=0, today=TODAY, facets=(FacetName.color_family,), mode=SearchMode.keyword)
    facet = {b.value: b.count for b in store.search(query).facets[FacetName.color_family]}
    expected: dict[str, int] = {}
    for asset_id in matching(filters):
        for family in next(a for a in LIBRARY if a.id == asset_id).color_families:
            expected[family] = expected.get(family, 0) + 1
    assert facet == expected


def test_colour_filter_narrows_vector_search(store: AssetStore) -> None:
    """The filter sits inside the k-NN clause: every neighbour has a matching colour, and all are reached."""
    filters = Filters(color=BRAND_BLUE, color_delta_e=20)
    query = Query(
        mode=SearchMode.semantic,
        vectors={VectorField.image: vector_of("sea").tolist()},
        filters=filters,
        knn_k=len(LIBRARY),
        size=len(LIBRARY),
        today=TODAY,
    )
    assert sorted(h.asset.id for h in store.search(query).hits) == matching(filters)


def test_extracted_colours_are_the_painted_ones() -> None:
    sea = next(a for a in LIBRARY if a.id == "sea")
    assert sea.colors[0] == BRAND_BLUE and sea.color_families[0] == "blue"
    light, a, b = srgb_to_lab([[0x1E, 0x50, 0xA0]])[0]
    assert unpack_lab(sea.color_lab[:1]).tolist() == [[round(light), round(a), round(b)]]
