"""Writes finished drafts under the people's edits, conditionally, so a concurrent edit is never lost.

Each draft holds what the sources say. Before it is written, the stored version's edits are
laid over it (`apply_curation`) and the write names that version: if a person saved the asset
in between (the server runs while the indexer does), the store refuses the write as stale and
the draft is curated again from a fresh read. Text vectors are computed after curation, so
they describe the title and tags people see, not the ones the sources proposed.

Only complete assets reach this stage, and the store writes each one atomically, so a failed
document leaves the previous version (or nothing) in place, never a half-written row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from indexer.encode import Draft
from indexer.report import IndexProblem, Reason
from loupe_core.curation import apply_curation
from loupe_core.schema import Asset
from loupe_core.store.base import AssetStore

STALE_ATTEMPTS = 5
"""Reads and writes of one draft racing people's edits before it is reported as failed."""

TextEmbedder = Callable[[Sequence[Draft]], dict[int, IndexProblem]]


@dataclass
class WriteOutcome:
    written: int = 0
    problems: list[IndexProblem] = field(default_factory=list)
    new_conflicts: int = 0
    """Edited fields whose sources changed, recorded as conflicts by this write."""
    written_ids: set[str] = field(default_factory=set)


def write_drafts(store: AssetStore, drafts: Sequence[Draft], embed_texts: TextEmbedder, now: datetime) -> WriteOutcome:
    """Curate, embed the text, and write all drafts; returns what was written and a problem per failure."""
    outcome = WriteOutcome()
    pending: list[tuple[Draft, Asset]] = [(draft, draft.asset) for draft in drafts]
    for _ in range(STALE_ATTEMPTS):
        if not pending:
            return outcome
        pending = _attempt(store, pending, embed_texts, now, outcome)
    for draft, _ in pending:
        detail = f"the asset kept changing while it was written ({STALE_ATTEMPTS} tries); re-run to retry"
        outcome.problems.append(IndexProblem.of(draft.path, Reason.write_failed, detail))
    return outcome


def _attempt(
    store: AssetStore,
    pending: list[tuple[Draft, Asset]],
    embed_texts: TextEmbedder,
    now: datetime,
    outcome: WriteOutcome,
) -> list[tuple[Draft, Asset]]:
    """One read-curate-write round; returns the drafts that lost a race and must go round again."""
    stored = store.get_many(source.id for _, source in pending)
    expected: dict[str, str | None] = {}
    conflicts: dict[str, int] = {}
    for draft, source in pending:
        found = stored.get(source.id)
        curated = apply_curation(found.asset if found else None, source, now)
        draft.asset = curated.asset.model_copy(update={"text_vector": None})
        expected[source.id] = found.version if found else None
        conflicts[source.id] = len(curated.new_conflicts)
    failed = embed_texts([draft for draft, _ in pending])
    outcome.problems.extend(failed.values())
    ready = [pair for i, pair in enumerate(pending) if i not in failed]
    if not ready:
        return []
    report = store.upsert([draft.asset for draft, _ in ready], expected)
    path_of = {draft.asset.id: draft.path for draft, _ in ready}
    stale = {f.asset_id for f in report.failures if f.stale}
    outcome.problems.extend(
        IndexProblem.of(path_of[f.asset_id], Reason.write_failed, f.reason) for f in report.failures if not f.stale
    )
    outcome.written += report.written
    for asset_id in report.versions:
        outcome.written_ids.add(asset_id)
        outcome.new_conflicts += conflicts[asset_id]
    return [pair for pair in ready if pair[1].id in stale]
