"""The demo's curated-results rule: seeded once, pinning a demo asset the brand analyst may see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from indexer.demo_library import DEMO_ASSETS
from loupe_cli.demo_curation import RULE, seed_demo_rule
from loupe_core.accounts.store import AccountStore
from loupe_core.curated_results.book import RuleBook
from loupe_core.librarian.db import open_librarian_db
from loupe_core.query import Filters
from loupe_core.settings import Settings


def test_the_demo_rule_is_seeded_once_and_pins_a_demo_asset(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    seed_demo_rule(settings)
    seed_demo_rule(settings)  # a second `loupe demo` on the same folder

    accounts, db = AccountStore(settings.accounts_db_path), open_librarian_db(settings.librarian_db_path)
    book = RuleBook(db, accounts.record)
    [rule] = book.rules()
    curation = book.curation("fresh espresso", Filters(), date.today())
    assert rule.name == RULE.name and curation is not None and curation.pins == (("demo-cafe-sign", 1, rule.id),)
    assert [e.action for e in accounts.audit_log(f"{rule.id}")] == ["curation.create"]
    pinned = next(a for a in DEMO_ASSETS if a.id == "demo-cafe-sign")
    assert "brand" in pinned.groups
    db.close()
    accounts.close()
