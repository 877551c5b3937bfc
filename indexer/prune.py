"""`--prune`: deletes the assets whose source file under the indexed root no longer exists.

The journal knows which asset each file became, so a prune costs one `exists()` per recorded
file rather than a read of every stored asset. Assets indexed before the journal existed are
found once through their stored `path`. An asset id still produced by another existing file
(a manifest id that moved with its file) is never deleted.
"""

from __future__ import annotations

import os
from pathlib import Path

from indexer.journal import Journal
from loupe_core.errors import AssetNotFound
from loupe_core.store.base import AssetStore


def _unjournaled_gone(store: AssetStore, journal: Journal, root: Path) -> set[str]:
    """Ids of stored assets the journal has never seen whose stored path is under root and gone."""
    gone: set[str] = set()
    known = journal.known_asset_ids()
    for asset_id in set(store.fingerprints()) - known:
        try:
            path = store.get(asset_id).path
        except AssetNotFound:
            continue
        if path and Path(path).is_relative_to(root) and not os.path.lexists(path):
            gone.add(asset_id)
    return gone


def prune_missing(store: AssetStore, journal: Journal, root: Path) -> int:
    """Delete the assets of vanished files under `root` (absolute, resolved); returns how many were deleted."""
    vanished = {
        path: entry.asset_id for path, entry in journal.entries_under(root).items() if not os.path.lexists(path)
    }
    doomed = (set(vanished.values()) - journal.live_asset_ids(excluding=vanished)) | _unjournaled_gone(
        store, journal, root
    )
    deleted = store.delete(sorted(doomed)) if doomed else 0
    journal.forget(vanished)
    return deleted
