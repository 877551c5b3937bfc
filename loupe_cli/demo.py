"""`loupe demo`: build the demo library from scikit-image's photos, index it, serve it.

Runs on the embedded backend in its own data folder so it never touches a real library.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from loupe_cli.demo_users import DEMO_GROUPS, seed_demo_users
from loupe_cli.serve import add_serve_arguments, serve
from loupe_core.accounts.store import AccountStore
from loupe_core.encoders.registry import Encoders
from loupe_core.settings import Settings


def add_demo_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="build, index and serve the demo library")
    add_serve_arguments(parser)
    parser.add_argument("--no-serve", action="store_true", help="build and index only")
    parser.set_defaults(handler=_run)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here: index worker processes re-import the `loupe` script, and torch with it.
    from indexer.demo_library import build_demo_library
    from indexer.pipeline import run_index

    console = Console(stderr=True)
    settings = settings.model_copy(
        update={"backend": "embedded", "anonymous_role": "viewer", "anonymous_groups": DEMO_GROUPS}
    )
    library = build_demo_library(settings.data_dir / "demo-library")
    encoders = Encoders.from_settings(settings)
    report = run_index(
        settings,
        library,
        library / "manifest.csv",
        strict=False,
        report_path=None,
        quiet=False,
        encoders=encoders,
    )
    console.print(f"[bold]Demo library[/] {library}: {report.summary()}")
    for kind, problem in encoders.problems.items():
        console.print(f"[yellow]{kind} model unavailable[/]: {problem}")
    if "clip" in encoders.problems:
        console.print("[yellow]Falling back to keyword + text-embedding search (no image similarity).[/]")
    accounts = AccountStore(settings.accounts_db_path)
    users = seed_demo_users(accounts)
    accounts.close()
    table = Table("user", "role", "groups", "password", title="Demo accounts (demo only)")
    for user in users:
        table.add_row(user.name, user.role.value, ", ".join(user.groups) or "all", user.password)
    console.print(table)
    console.print("Guests may search without signing in (LOUPE_ANONYMOUS_ROLE=viewer, demo only).")
    if args.no_serve:
        return 0
    url = f"http://{args.host or settings.host}:{args.port or settings.port}/"
    console.print(f"[bold green]Loupe is up at {url}[/]  (Ctrl-C to stop)")
    return serve(settings, args.host, args.port)
