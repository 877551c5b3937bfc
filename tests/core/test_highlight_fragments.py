"""Long highlighted values (text read in images) are cut to a few words around the first match."""

from __future__ import annotations

import pytest

from loupe_core.highlight_fragments import fragment_around_mark, fragmented


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ("Lighthouse <mark>Bakery</mark>", "Lighthouse <mark>Bakery</mark>"),
        ("one two three <mark>four</mark> five six seven", "… two three <mark>four</mark> five six …"),
        ("<mark>one</mark> two three four", "<mark>one</mark> two three …"),
        (
            "a one two <mark>three</mark> &amp; <mark>four</mark> b",
            "… one two <mark>three</mark> &amp; <mark>four</mark> …",
        ),
    ],
)
def test_two_words_either_side_of_the_first_mark(marked: str, expected: str) -> None:
    assert fragment_around_mark(marked, 2) == expected


def test_only_the_fragmented_fields_are_cut() -> None:
    long = " ".join(["word"] * 20) + " <mark>lantern</mark>"
    title = " ".join(["Title"] * 20) + " <mark>lantern</mark>"

    cut = fragmented({"ocr_text": [long], "title": [title]})

    assert cut == {"ocr_text": ["… " + " ".join(["word"] * 6) + " <mark>lantern</mark>"], "title": [title]}
