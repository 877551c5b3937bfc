"""Who wins a field: a person's edit outranks every source, and a disagreement is recorded, never settled.

Precedence is edited > manifest > sidecar > embedded EXIF/IPTC/XMP > file system. The sources'
order is decided by the indexer (`indexer/precedence.py`); this module puts people on top.
Every write of an asset goes through one of two doors:

- `record_edits`: a person sets values (API, web form, bulk edit, accepted suggestions,
  merges, status decisions). Each changed field is marked `edited`, with who and when, and
  the sources' value at that moment is kept as the baseline.
- `apply_curation`: the indexer proposes an asset from the sources. Edited fields keep the
  person's value. A source that moved away from its baseline is news: it becomes a conflict
  (the person's value, the new source value, when) for a librarian to decide.

Values are compared in their JSON form, the form they are stored and shown in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from loupe_core.schema import EDITED, Asset, FieldConflict, FieldEdit

EDITABLE_FIELDS = frozenset(
    {"title", "description", "tags", "taxonomy", "status", "license_expires", "credit", "owner", "groups"}
)
"""Fields people change in Loupe; every one of them is also a field the sources may set."""


class Resolution(StrEnum):
    keep_edit = "keep_edit"
    take_source = "take_source"


def field_value(asset: Asset, name: str) -> Any:
    return asset.model_dump(mode="json", include={name})[name]


def record_edits(before: Asset, values: Mapping[str, Any], actor: str, now: datetime) -> Asset:
    """`before` with a person's values; raises pydantic's ValidationError for invalid ones.

    A field whose value does not change is not marked edited: saving a form untouched must
    not take fields away from their sources.
    """
    after = Asset.model_validate({**before.model_dump(), **values})
    edits, conflicts, provenance = dict(before.edits), dict(before.conflicts), dict(before.provenance)
    for name in values:
        new = field_value(after, name)
        if new == field_value(before, name):
            continue
        previous = before.edits.get(name)
        edits[name] = FieldEdit(
            by=actor,
            at=now,
            source_value=previous.source_value if previous else field_value(before, name),
            source=previous.source if previous else before.provenance.get(name),
        )
        provenance[name] = EDITED
        if (conflict := conflicts.get(name)) is not None:
            if new == conflict.source_value:
                del conflicts[name]  # the person settled it by choosing the source's value
            else:
                conflicts[name] = conflict.model_copy(update={"edited_value": new})
    return after.model_copy(
        update={"edits": edits, "conflicts": conflicts, "provenance": dict(sorted(provenance.items()))}
    )


@dataclass(frozen=True)
class Curated:
    asset: Asset
    new_conflicts: tuple[str, ...] = ()
    """Fields whose conflict this write records for the first time, or with a newer source value."""


def apply_curation(stored: Asset | None, incoming: Asset, now: datetime) -> Curated:
    """The asset the sources propose (`incoming`), with the edits kept in `stored` laid over it.

    `incoming` must hold source values only (as built from the files); its own `edits` and
    `conflicts` are ignored in favour of the stored ones.
    """
    if stored is None or not stored.edits:
        return Curated(incoming.model_copy(update={"edits": {}, "conflicts": {}}))
    edits, conflicts, provenance = dict(stored.edits), dict(stored.conflicts), dict(incoming.provenance)
    kept: dict[str, Any] = {}
    new: list[str] = []
    for name, edit in stored.edits.items():
        kept[name] = getattr(stored, name)
        provenance[name] = EDITED
        source_now = field_value(incoming, name)
        if source_now == edit.source_value:
            continue
        source = incoming.provenance.get(name)
        edits[name] = edit.model_copy(update={"source_value": source_now, "source": source})
        edited_value = field_value(stored, name)
        if source_now == edited_value:
            conflicts.pop(name, None)  # the source caught up with the person
        else:
            conflicts[name] = FieldConflict(edited_value=edited_value, source_value=source_now, source=source, at=now)
            new.append(name)
    update = {**kept, "edits": edits, "conflicts": conflicts, "provenance": dict(sorted(provenance.items()))}
    return Curated(incoming.model_copy(update=update), tuple(new))


def resolve_conflict(asset: Asset, name: str, resolution: Resolution) -> Asset:
    """Settle the conflict on `name`: keep the person's value, or take the source's and drop the edit.

    Raises KeyError when there is no conflict on that field.
    """
    conflict = asset.conflicts[name]
    conflicts = {k: v for k, v in asset.conflicts.items() if k != name}
    if resolution is Resolution.keep_edit:
        return asset.model_copy(update={"conflicts": conflicts})
    edits = {k: v for k, v in asset.edits.items() if k != name}
    provenance = {k: v for k, v in asset.provenance.items() if k != name}
    if conflict.source is not None:
        provenance[name] = conflict.source
    taken = Asset.model_validate({**asset.model_dump(), name: conflict.source_value})
    return taken.model_copy(
        update={"edits": edits, "conflicts": conflicts, "provenance": dict(sorted(provenance.items()))}
    )
