"""The demo's one conflict: a librarian titled the newsletter export before the DAM renamed it.

Seeded once, into a freshly indexed demo library, as the edit it would have been: the demo
librarian's title, made while the DAM export still called the file `newsletter_header_v1`.
The next index run reads the DAM's newer name (`newsletter_header_v2`), keeps the librarian's
title and records the conflict, exactly as it would in any library.
"""

from __future__ import annotations

from datetime import UTC, datetime

from loupe_core.curation import record_edits
from loupe_core.store.base import AssetStore

SHOWCASE_ID = "demo-newsletter-header"
EDITED_TITLE = "Chelsea the cat, spring newsletter header"
EARLIER_SOURCE_TITLE = "newsletter_header_v1"


def seed_librarian_edit(store: AssetStore) -> None:
    current = store.get_versioned(SHOWCASE_ID)
    edited = record_edits(current.asset, {"title": EDITED_TITLE}, "librarian", datetime.now(UTC))
    made_then = edited.edits["title"].model_copy(update={"source_value": EARLIER_SOURCE_TITLE})
    seeded = edited.model_copy(update={"edits": {**edited.edits, "title": made_then}})
    report = store.upsert([seeded], {SHOWCASE_ID: current.version})
    if report.failures:
        raise RuntimeError(f"could not seed the demo's edit: {report.failures[0].reason}")
