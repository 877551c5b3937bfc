"""Where pinned hits land in a paged result list, and which organic hits fill the rest of a page.

Pins hold positions in the whole list, not on a page: a pin at 3 is third on page 1 and absent
from page 2, whose organic hits continue where page 1's stopped. A pin never leaves a hole:
with fewer organic hits than its position it follows the last one.
"""

from __future__ import annotations

from dataclasses import dataclass


def pin_slots(positions: list[int], organic_total: int) -> list[int]:
    """0-based slots of pins wanted at `positions` (1-based, sorted): no two on one slot, no gap."""
    slots: list[int] = []
    for i, position in enumerate(positions):
        slot = max(position - 1, slots[-1] + 1 if slots else 0)
        slots.append(min(slot, organic_total + i))
    return slots


@dataclass(frozen=True)
class PageLayout:
    """One page: which slots hold pins (by pin index), and the organic window that fills the others."""

    pinned: dict[int, int]
    """Slot on the page -> index into the pins."""
    organic_start: int
    organic_count: int


def page_layout(slots: list[int], offset: int, size: int, organic_total: int) -> PageLayout:
    end = min(offset + size, organic_total + len(slots))
    pinned = {slot - offset: i for i, slot in enumerate(slots) if offset <= slot < end}
    before = sum(1 for slot in slots if slot < offset)
    start = max(offset - before, 0)
    return PageLayout(pinned, start, max(end - offset - len(pinned), 0))
