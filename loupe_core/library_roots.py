"""The folders originals may be served from: configured, or remembered from `loupe index` runs.

`LOUPE_LIBRARY_ROOTS` names them outright (a deployment whose indexer runs elsewhere sets it).
Without it, each index run records its root in the data folder, so a laptop that indexed
`~/Photos` serves files from `~/Photos` and nothing else, with no setting to forget.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from loupe_core.settings import Settings

ROOTS_FILE = "library_roots.json"


def _recorded(settings: Settings) -> list[Path]:
    try:
        values = json.loads((settings.data_dir / ROOTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(v) for v in values if isinstance(v, str)] if isinstance(values, list) else []


def library_roots(settings: Settings) -> list[Path]:
    """Read on every call: an index run may add a root while the server runs.

    The uploads folder is always one: Loupe wrote every file in it, under names it chose."""
    return [*(list(settings.library_roots) or _recorded(settings)), settings.uploads_dir]


def remember_root(settings: Settings, root: Path) -> None:
    """Add an indexed root to the recorded list (atomically replaced, so a reader never sees half a file)."""
    roots = _recorded(settings)
    resolved = root.resolve()
    if resolved in roots:
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    target = settings.data_dir / ROOTS_FILE
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps([str(r) for r in [*roots, resolved]], indent=1), encoding="utf-8")
    os.replace(partial, target)
