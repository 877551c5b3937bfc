"""Duplicate pairs -> clusters a librarian can act on, each with a suggested keeper.

Pairs marked "not a duplicate" never come back; pairs with an asset the caller cannot see,
or one already retired/archived, are left out, so a report never reveals a hidden asset.
"""

from __future__ import annotations

from pydantic import BaseModel

from loupe_core.librarian.completeness import RequiredField, missing_fields
from loupe_core.librarian.duplicates import DuplicateQueue
from loupe_core.principal import Principal
from loupe_core.schema import Asset, AssetStatus
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool

RESOLVED = {AssetStatus.retired, AssetStatus.archived}


class DuplicatePair(BaseModel):
    a: str
    b: str
    score: float
    explanation: str = ""
    """What matched, in words (`same scene, 61 % overlap, rotated 4°, ...`); empty for exact and visual."""


class DuplicateCluster(BaseModel):
    queue: DuplicateQueue
    keeper: str
    members: list[Asset]
    pairs: list[DuplicatePair]


def keeper_rank(asset: Asset) -> tuple[int, int, int, str]:
    """Approved first, then highest resolution, then most complete metadata, then id."""
    pixels = (asset.width or 0) * (asset.height or 0)
    return (
        0 if asset.status is AssetStatus.approved else 1,
        -pixels,
        len(missing_fields(asset, list(RequiredField))),
        asset.id,
    )


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def duplicate_clusters(
    store: AssetStore, db: ConnectionPool, queue: DuplicateQueue, principal: Principal | None
) -> list[DuplicateCluster]:
    conn = db.get()
    rejected = {(a, b) for a, b in conn.execute("SELECT a, b FROM not_duplicates")}
    rows = [
        (a, b, score, explanation)
        for a, b, score, explanation in conn.execute(
            "SELECT a, b, score, explanation FROM duplicate_pairs WHERE queue = ?", (queue.value,)
        )
        if (a, b) not in rejected
    ]
    if not rows:
        return []
    visible = {a.id: a for a in store.scan(principal) if a.status not in RESOLVED}
    pairs = [DuplicatePair(a=a, b=b, score=s, explanation=e) for a, b, s, e in rows if a in visible and b in visible]
    groups = _UnionFind()
    for pair in pairs:
        groups.union(pair.a, pair.b)
    clusters: dict[str, list[DuplicatePair]] = {}
    for pair in pairs:
        clusters.setdefault(groups.find(pair.a), []).append(pair)
    result: list[DuplicateCluster] = []
    for cluster_pairs in clusters.values():
        ids = sorted({i for p in cluster_pairs for i in (p.a, p.b)})
        members = sorted((visible[i] for i in ids), key=keeper_rank)
        result.append(
            DuplicateCluster(
                queue=queue,
                keeper=members[0].id,
                members=members,
                pairs=sorted(cluster_pairs, key=lambda p: (p.a, p.b)),
            )
        )
    return sorted(result, key=lambda c: (-len(c.members), c.keeper))
