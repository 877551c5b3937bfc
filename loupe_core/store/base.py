"""The contract every backend fulfils; the contract test suite runs it against each one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from loupe_core.principal import Principal
from loupe_core.query import Query, SearchResult
from loupe_core.schema import Asset


@dataclass
class WriteFailure:
    asset_id: str
    reason: str


@dataclass
class WriteReport:
    """What a bulk write did; failures are per document and never silently dropped."""

    written: int = 0
    failures: list[WriteFailure] = field(default_factory=list)

    def merge(self, other: WriteReport) -> None:
        self.written += other.written
        self.failures.extend(other.failures)


class AssetStore(Protocol):
    """Persistence and search for assets. Every read takes the caller's principal (None = system)."""

    def upsert(self, assets: Sequence[Asset]) -> WriteReport:
        """Insert or replace whole assets by id, atomically per asset."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove assets; returns how many existed."""
        ...

    def get(self, asset_id: str, principal: Principal | None = None) -> Asset:
        """One asset with its vectors; raises AssetNotFound when missing or invisible."""
        ...

    def fingerprints(self) -> dict[str, str | None]:
        """id -> sha256 of every asset, so the indexer can skip unchanged files."""
        ...

    def count(self, principal: Principal | None = None) -> int: ...

    def scan(self, principal: Principal | None = None, with_vectors: bool = False) -> Iterator[Asset]:
        """Every asset the principal may see, in no set order (reports, duplicate detection)."""
        ...

    def search(self, query: Query) -> SearchResult: ...

    def refresh(self) -> None:
        """Make earlier writes visible to searches (a no-op where writes are visible at once)."""
        ...

    def close(self) -> None: ...
