"""A BK-tree over 64-bit perceptual hashes: near-neighbour lookups by Hamming distance.

Finding every pair within distance d this way costs far less than comparing all n^2 pairs,
because the triangle inequality prunes whole subtrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


@dataclass
class _Node:
    value: int
    items: list[str]
    children: dict[int, _Node] = field(default_factory=dict)


class BKTree:
    def __init__(self) -> None:
        self._root: _Node | None = None

    def add(self, value: int, item: str) -> None:
        if self._root is None:
            self._root = _Node(value, [item])
            return
        node = self._root
        while True:
            distance = hamming(value, node.value)
            if distance == 0:
                node.items.append(item)
                return
            child = node.children.get(distance)
            if child is None:
                node.children[distance] = _Node(value, [item])
                return
            node = child

    def within(self, value: int, max_distance: int) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        stack = [self._root] if self._root else []
        while stack:
            node = stack.pop()
            distance = hamming(value, node.value)
            if distance <= max_distance:
                found.extend((item, distance) for item in node.items)
            for edge, child in node.children.items():
                if distance - max_distance <= edge <= distance + max_distance:
                    stack.append(child)
        return found
