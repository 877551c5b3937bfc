"""Candidates without a model: each copy's original is among the few assets its descriptors hit most."""

from __future__ import annotations

from PIL import Image, ImageOps
from skimage import data

from loupe_core.librarian.descriptor_votes import DescriptorVotes
from loupe_core.local_features import extract_local_features

DISTINCT = ["coffee", "chelsea", "rocket", "camera", "coins", "moon", "brick", "grass"]


def test_copies_find_their_original_and_mirrors_say_so() -> None:
    astronaut = Image.fromarray(data.astronaut())
    w, h = astronaut.size
    copies = {
        "crop30": astronaut.crop((w * 3 // 10, h * 3 // 10, w - w * 3 // 10, h - h * 3 // 10)),
        "rot90": astronaut.rotate(90, expand=True),
        "mirror": ImageOps.mirror(astronaut),
    }
    library = {"astronaut": extract_local_features(astronaut)}
    library.update({name: extract_local_features(Image.fromarray(getattr(data, name)())) for name in DISTINCT})
    votes = DescriptorVotes(library.items())

    for name, copy in copies.items():
        found = votes.candidates(name, extract_local_features(copy), limit=3, min_votes=3.0)
        assert ("astronaut", name == "mirror") in [(c.asset_id, c.mirrored) for c in found], (name, found)
        assert len(found) <= 3


def test_an_asset_never_is_its_own_candidate_and_empty_features_find_nothing() -> None:
    coffee = extract_local_features(Image.fromarray(data.coffee()))
    flat = extract_local_features(Image.new("L", (200, 200), 90))
    votes = DescriptorVotes([("coffee", coffee), ("flat", flat)])

    assert len(votes) == 1  # the flat image has nothing to index
    assert votes.candidates("coffee", coffee, limit=5, min_votes=0.5) == []
    assert votes.candidates("flat", flat, limit=5, min_votes=0.5) == []
