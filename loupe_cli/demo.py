"""`loupe demo`: build the demo library from scikit-image's photos, index it, serve it.

Runs on the embedded backend, in a data folder it made itself: it refuses one that holds a
real library, since it seeds accounts whose passwords it prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from loupe_cli.demo_conflict import seed_librarian_edit
from loupe_cli.demo_curation import seed_demo_rule
from loupe_cli.demo_data_dir import DEMO_LIBRARY, claim_for_demo
from loupe_cli.demo_users import DEMO_GROUPS, seed_demo_users
from loupe_cli.demo_workspace import seed_demo_workspace
from loupe_cli.serve import add_serve_arguments, serve
from loupe_core.accounts.store import AccountStore
from loupe_core.encoders.registry import Encoders
from loupe_core.feature_files import FeatureFiles
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateThresholds
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store

if TYPE_CHECKING:
    from indexer.report import IndexReport


def add_demo_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="build, index and serve the demo library")
    add_serve_arguments(parser)
    parser.add_argument("--no-serve", action="store_true", help="build and index only")
    parser.set_defaults(handler=_run)


def index_demo(settings: Settings, library: Path, store: AssetStore, encoders: Encoders) -> list[IndexReport]:
    """Index the demo library; a fresh one then gets its librarian's edit and a second run (the
    nightly sync) that turns it into the demo's conflict. Returns the report of each run."""
    from indexer.demo_library import DEMO_ASSETS, MANIFEST_NAME
    from indexer.pipeline import run_index

    def run() -> IndexReport:
        return run_index(settings, library, library / MANIFEST_NAME, quiet=False, store=store, encoders=encoders)

    reports = [run()]
    if reports[0].indexed == len(DEMO_ASSETS):
        seed_librarian_edit(store)
        reports.append(run())
    find_duplicates(settings, store)
    return reports


def find_duplicates(settings: Settings, store: AssetStore) -> None:
    """The duplicate queues a librarian's scan would fill, so copies fold in results from the start."""
    db = open_librarian_db(settings.librarian_db_path)
    try:
        thresholds = DuplicateThresholds.from_settings(settings)
        DuplicateFinder(store, db, thresholds, FeatureFiles(settings.features_dir)).refresh()
    finally:
        db.close()


def _run(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here: index worker processes re-import the `loupe` script, and torch with it.
    from indexer.demo_library import build_demo_library

    console = Console(stderr=True)
    if (refusal := claim_for_demo(settings)) is not None:
        console.print(f"loupe demo: {refusal}", markup=False, highlight=False, soft_wrap=True)
        return 2
    settings = settings.model_copy(
        update={"backend": "embedded", "anonymous_role": "viewer", "anonymous_groups": DEMO_GROUPS}
    )
    library = build_demo_library(settings.data_dir / DEMO_LIBRARY)
    encoders = Encoders.from_settings(settings)
    store = open_store(settings)
    try:
        reports = index_demo(settings, library, store, encoders)
    finally:
        store.close()
    console.print(f"[bold]Demo library[/] {library}: {reports[0].summary()}")
    if len(reports) > 1:
        console.print(f"[bold]Re-indexed[/] after a librarian's edit: {reports[1].summary()}")
    if conflicts := reports[-1].conflicts:
        console.print(
            f"{conflicts} conflict between a librarian's edit and the DAM export: "
            "sign in as librarian and open Librarian > Conflicts."
        )
    for kind, problem in encoders.problems.items():
        console.print(f"[yellow]{kind} model unavailable[/]: {problem}")
    if "clip" in encoders.problems:
        console.print("[yellow]Falling back to keyword + text-embedding search (no image similarity).[/]")
    accounts = AccountStore(settings.accounts_db_path)
    users = seed_demo_users(accounts)
    accounts.close()
    seed_demo_workspace(settings)
    seed_demo_rule(settings)
    table = Table("user", "role", "groups", "password", title="Demo accounts (demo only)")
    for user in users:
        table.add_row(user.name, user.role.value, ", ".join(user.groups) or "all", user.password)
    console.print(table)
    console.print("Guests may search without signing in (LOUPE_ANONYMOUS_ROLE=viewer, demo only).")
    console.print("amara.okafor has a collection (shared with brand as editors) and a saved search with new results.")
    console.print("A curated-results rule pins the café sign first for “espresso” (Librarian › Curated results).")
    if args.no_serve:
        return 0
    url = f"http://{args.host or settings.host}:{args.port or settings.port}/"
    console.print(f"[bold green]Loupe is up at {url}[/]  (Ctrl-C to stop)")
    return serve(settings, args.host, args.port)
