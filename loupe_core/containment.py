"""The one test of "may Loupe serve this file": an existing regular file inside an allowed folder.

Symlinks are resolved first, on both sides, so a link inside the library that points at
`/etc/passwd`, a manifest path with `..`, or an absolute name that `root / name` would turn
into itself are all outside. Used for originals and renditions alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def contained_file(path: Path, roots: Iterable[Path]) -> Path | None:
    """`path` resolved, when it is a regular file strictly inside one of `roots`; None otherwise."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
        return None
    if not resolved.is_file():
        return None
    for root in roots:
        try:
            folder = root.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if resolved != folder and resolved.is_relative_to(folder):
            return resolved
    return None
