"""The contract every backend fulfils; the contract test suite runs it against each one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from loupe_core.principal import Principal
from loupe_core.query import Query, SearchResult
from loupe_core.schema import Asset


@dataclass
class WriteFailure:
    asset_id: str
    reason: str
    stale: bool = False
    """The asset is no longer at the version the write was based on: re-read it and decide again."""


@dataclass
class WriteReport:
    """What a bulk write did; failures are per document and never silently dropped."""

    written: int = 0
    failures: list[WriteFailure] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    """id -> the version each written asset now has."""

    def merge(self, other: WriteReport) -> None:
        self.written += other.written
        self.failures.extend(other.failures)
        self.versions.update(other.versions)


@dataclass(frozen=True)
class Versioned:
    """An asset and the version it was read at: what a conditional write names as its base.

    The version is opaque: the row's write sequence on the embedded store, the document's
    `seq_no` and `primary_term` on OpenSearch. It changes with every write of the asset.
    """

    asset: Asset
    version: str


Expected = Mapping[str, str | None]
"""id -> the version a write is based on; None: the asset must not exist yet."""


def stale_reason(expected: str | None, found: str | None) -> str:
    if found is None:
        return "the asset was deleted since it was read" if expected else "the asset exists already"
    return f"the asset changed since it was read (version {expected} -> {found})"


class AssetStore(Protocol):
    """Persistence and search for assets. Every read takes the caller's principal (None = system)."""

    def upsert(
        self, assets: Sequence[Asset], expected: Expected | None = None, *, wait_for_search: bool = False
    ) -> WriteReport:
        """Insert or replace whole assets by id, atomically per asset.

        An asset named in `expected` is written only if it is still at that version (or still
        absent, for None); otherwise it fails with `stale=True` and is left as it is. This is
        what keeps a person's edit and a concurrent index run from overwriting each other.
        `wait_for_search` returns only once searches see the write: a person's edit (a group
        removed) must hold on every surface the moment they see "saved"; bulk indexing need not wait.
        """
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove assets; returns how many existed."""
        ...

    def get(self, asset_id: str, principal: Principal | None = None) -> Asset:
        """One asset with its vectors; raises AssetNotFound when missing or invisible."""
        ...

    def get_versioned(self, asset_id: str, principal: Principal | None = None) -> Versioned:
        """`get` plus the version it was read at (real time: sees every write that returned)."""
        ...

    def get_many(self, ids: Iterable[str]) -> dict[str, Versioned]:
        """The stored versions of those ids that exist, with vectors, for the system (no permission check)."""
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
