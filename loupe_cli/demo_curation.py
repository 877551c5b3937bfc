"""The demo's curated-results rule, so a librarian's pin shows on the first search for "espresso".

A search for "espresso" ranks the espresso photo first by itself; the rule, as a librarian running
the local guide campaign would set it, puts the café sign first and says so on its card. Seeded
once: a later `loupe demo` keeps whatever the librarian changed since.
"""

from __future__ import annotations

from contextlib import closing

from loupe_core.accounts.store import AccountStore
from loupe_core.curated_results.book import RuleBook
from loupe_core.curated_results.rules import Pin, RuleDraft
from loupe_core.librarian.db import open_librarian_db
from loupe_core.settings import Settings

AUTHOR = "librarian"
RULE = RuleDraft(
    name="Local guide: café sign first",
    query="espresso",
    match="contains",
    pins=[Pin(asset_id="demo-cafe-sign", position=1)],
    synonyms=["coffee"],
)


def seed_demo_rule(settings: Settings) -> None:
    with (
        closing(AccountStore(settings.accounts_db_path)) as accounts,
        closing(open_librarian_db(settings.librarian_db_path)) as db,
    ):
        book = RuleBook(db, accounts.record)
        if not any(rule.name == RULE.name for rule in book.rules()):
            book.create(AUTHOR, RULE)
