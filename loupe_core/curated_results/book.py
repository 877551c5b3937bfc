"""The librarians' rule book: rules kept in the librarian database, audited, and what they did.

Searches read the rules on every query with text, so the book keeps them in memory and reloads
only when the table changed (one indexed lookup of the newest edit). What a rule did is counted
per day: searches it fired on, pinned hits shown, and clicks on those pinned hits. A click is
tied to its pin through the search's query id, remembered for the last `REMEMBERED_SEARCHES`
pinned searches (in memory: a click after a restart on a search from before it is not credited).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from loupe_core.curated_results.rules import Curation, ResultRule, RuleDraft
from loupe_core.errors import AssetNotFound
from loupe_core.query import Filters
from loupe_core.store.embedded.connection import ConnectionPool

DDL = (
    "CREATE TABLE IF NOT EXISTS result_rules (id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, doc TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS result_rule_stats (
  rule_id TEXT NOT NULL, day TEXT NOT NULL, fired INTEGER NOT NULL DEFAULT 0,
  pinned_shown INTEGER NOT NULL DEFAULT 0, pinned_clicks INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (rule_id, day))""",
)
REMEMBERED_SEARCHES = 10_000
Audit = Callable[[str, str, str, dict[str, Any]], None]
"""(actor, action, target, changes): the accounts store's audit log."""


class RuleStats(BaseModel):
    rule: ResultRule
    fired: int
    pinned_shown: int
    pinned_clicks: int
    pinned_click_through: float
    """Clicks on pinned hits per pinned hit shown."""


class RuleBook:
    def __init__(self, db: ConnectionPool, audit: Audit) -> None:
        self.db = db
        self.audit = audit
        with db.write() as tx:
            for statement in DDL:
                tx.execute(statement)
        self._lock = threading.Lock()
        self._loaded: tuple[tuple[int, str], list[ResultRule]] = ((-1, ""), [])
        self._pinned: OrderedDict[str, dict[str, str]] = OrderedDict()

    # -- rules -------------------------------------------------------------------------------
    def rules(self) -> list[ResultRule]:
        """Every rule, newest edit first; reloaded only when the table changed."""
        row = self.db.get().execute("SELECT count(*), coalesce(max(updated_at), '') FROM result_rules").fetchone()
        version = (int(row[0]), str(row[1]))
        with self._lock:
            if self._loaded[0] != version:
                docs = self.db.get().execute("SELECT doc FROM result_rules ORDER BY updated_at DESC, id")
                self._loaded = (version, [ResultRule.model_validate_json(doc) for (doc,) in docs])
            return list(self._loaded[1])

    def get(self, rule_id: str) -> ResultRule:
        row = self.db.get().execute("SELECT doc FROM result_rules WHERE id = ?", (rule_id,)).fetchone()
        if row is None:
            raise AssetNotFound(f"no curation rule {rule_id!r}")
        return ResultRule.model_validate_json(row[0])

    def create(self, actor: str, draft: RuleDraft) -> ResultRule:
        rule = ResultRule(**draft.model_dump(), id=uuid.uuid4().hex[:12], created_by=actor, updated_at=_now())
        self._write(rule)
        self.audit(actor, "curation.create", rule.id, {"rule": [None, _audited(rule)]})
        return rule

    def update(self, actor: str, rule_id: str, draft: RuleDraft) -> ResultRule:
        before = self.get(rule_id)
        rule = ResultRule(**draft.model_dump(), id=rule_id, created_by=before.created_by, updated_at=_now())
        self._write(rule)
        after = _audited(rule)
        changes = {name: [old, new] for name, old in _audited(before).items() if (new := after.get(name)) != old}
        self.audit(actor, "curation.update", rule_id, changes)
        return rule

    def delete(self, actor: str, rule_id: str) -> None:
        before = self.get(rule_id)
        with self.db.write() as tx:
            tx.execute("DELETE FROM result_rules WHERE id = ?", (rule_id,))
        self.audit(actor, "curation.delete", rule_id, {"rule": [_audited(before), None]})

    def _write(self, rule: ResultRule) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO result_rules(id, updated_at, doc) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, doc = excluded.doc",
                (rule.id, rule.updated_at.isoformat(), rule.model_dump_json()),
            )

    # -- applying ----------------------------------------------------------------------------
    def curation(self, text: str, filters: Filters, day: date) -> Curation | None:
        """What the active rules matching this search do together; None when none match."""
        matching = [r for r in self.rules() if r.active_on(day) and r.matches(text, filters)]
        return Curation.of(matching) if matching else None

    def record(self, query_id: str, rule_ids: list[str], pinned: dict[str, str], day: date) -> None:
        """A search on which rules fired; `pinned`: asset id -> rule id of the pins it showed."""
        if not rule_ids:
            return
        shown: dict[str, int] = {}
        for rule_id in pinned.values():
            shown[rule_id] = shown.get(rule_id, 0) + 1
        with self.db.write() as tx:
            tx.executemany(
                "INSERT INTO result_rule_stats(rule_id, day, fired, pinned_shown) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(rule_id, day) DO UPDATE SET fired = fired + 1, "
                "pinned_shown = pinned_shown + excluded.pinned_shown",
                [(rule_id, day.isoformat(), shown.get(rule_id, 0)) for rule_id in rule_ids],
            )
        if pinned:
            with self._lock:
                self._pinned[query_id] = pinned
                while len(self._pinned) > REMEMBERED_SEARCHES:
                    self._pinned.popitem(last=False)

    def clicked(self, query_id: str, asset_id: str, day: date) -> None:
        """Credit the rule whose pin was clicked (nothing for an organic hit)."""
        with self._lock:
            rule_id = self._pinned.get(query_id, {}).get(asset_id)
        if rule_id is None:
            return
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO result_rule_stats(rule_id, day, pinned_clicks) VALUES (?, ?, 1) "
                "ON CONFLICT(rule_id, day) DO UPDATE SET pinned_clicks = pinned_clicks + 1",
                (rule_id, day.isoformat()),
            )

    def stats(self, since: date, until: date) -> list[RuleStats]:
        rows = self.db.get().execute(
            "SELECT rule_id, sum(fired), sum(pinned_shown), sum(pinned_clicks) FROM result_rule_stats "
            "WHERE day BETWEEN ? AND ? GROUP BY rule_id",
            (since.isoformat(), until.isoformat()),
        )
        counts = {rule_id: (fired, shown, clicks) for rule_id, fired, shown, clicks in rows}
        found = []
        for rule in self.rules():
            fired, shown, clicks = counts.get(rule.id, (0, 0, 0))
            ratio = round(clicks / shown, 4) if shown else 0.0
            found.append(
                RuleStats(rule=rule, fired=fired, pinned_shown=shown, pinned_clicks=clicks, pinned_click_through=ratio)
            )
        return sorted(found, key=lambda s: (-s.fired, s.rule.name))


def _now() -> datetime:
    return datetime.now(UTC)


def _audited(rule: ResultRule) -> dict[str, Any]:
    return json.loads(rule.model_dump_json(exclude={"updated_at", "created_by", "id"}))
