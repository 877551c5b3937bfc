"""The vectorised visual rule agrees with the rule written out pair by pair, on hashes near and far."""

from __future__ import annotations

import random

from loupe_core.librarian.hash_index import HashIndex


def flip(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def test_matches_equal_a_pairwise_check_of_the_rule() -> None:
    rng = random.Random(4)
    origin_p, origin_d = rng.getrandbits(64), rng.getrandbits(64)
    entries = []
    for i in range(400):  # distances spread over 0-30 from the origin, some without a dHash
        p = flip(origin_p, rng.randrange(0, 31), rng)
        d = flip(origin_d, rng.randrange(0, 31), rng)
        entries.append((f"a{i}", f"{p:016x}", None if i % 7 == 0 else f"{d:016x}"))
    index = HashIndex(entries)

    found = dict(index.matches(f"{origin_p:016x}", f"{origin_d:016x}", 8, 14))

    expected = {}
    for asset_id, p, d in entries:
        p_distance = (int(p, 16) ^ origin_p).bit_count()
        d_distance = None if d is None else (int(d, 16) ^ origin_d).bit_count()
        if p_distance <= 8 or (d_distance is not None and p_distance <= 14 and d_distance <= 14):
            expected[asset_id] = p_distance
    assert found == expected
    assert 0 < len(found) < len(entries)
    assert dict(index.matches(f"{origin_p:016x}", None, 8, 14)) == {
        asset_id: (int(p, 16) ^ origin_p).bit_count()
        for asset_id, p, _ in entries
        if (int(p, 16) ^ origin_p).bit_count() <= 8
    }
