"""The duplicate pairs one asset is in, for telling an uploader at once what their file looks like.

Reads the pairs `DuplicateFinder.refresh` stored; pairs a librarian marked "not a duplicate" are
left out, as the queues leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.store.embedded.connection import ConnectionPool

_PAIRS_OF = (
    "SELECT a, b, queue, explanation FROM duplicate_pairs p WHERE (a = ? OR b = ?) "
    "AND NOT EXISTS (SELECT 1 FROM not_duplicates n WHERE n.a = p.a AND n.b = p.b) ORDER BY queue, a, b"
)


@dataclass(frozen=True)
class PairedAsset:
    asset_id: str
    queue: DuplicateQueue
    explanation: str


def pairs_of(db: ConnectionPool, asset_id: str) -> list[PairedAsset]:
    """The other side of every queued pair `asset_id` is in (no permission check: callers filter)."""
    rows = db.get().execute(_PAIRS_OF, (asset_id, asset_id)).fetchall()
    return [PairedAsset(b if a == asset_id else a, DuplicateQueue(q), note) for a, b, q, note in rows]
