"""Keeps `loupe demo` out of real libraries: it seeds accounts whose passwords are printed.

The demo marks the data folder it creates. A folder that already holds Loupe data without that
mark belongs to a real library (or someone's work), and the demo refuses it and says why.
"""

from __future__ import annotations

from pathlib import Path

from loupe_core.settings import Settings

MARK = "LOUPE_DEMO"
"""A file in the data folder saying the demo made it."""
DEMO_LIBRARY = "demo-library"
"""Where the demo writes its photos; a folder holding it was made by an earlier demo, before the mark."""


def loupe_data_in(settings: Settings) -> list[str]:
    """The Loupe files already in the data folder (stores, accounts, journals), by name."""
    candidates = [
        settings.embedded_db_path,
        settings.accounts_db_path,
        settings.librarian_db_path,
        settings.search_log_path,
        settings.index_journal_path,
    ]
    return sorted(path.name for path in candidates if path.exists())


def claim_for_demo(settings: Settings) -> str | None:
    """Mark the folder as the demo's; returns why not when it holds a library that is not the demo's."""
    folder: Path = settings.data_dir
    made_by_demo = (folder / MARK).exists() or (folder / DEMO_LIBRARY).is_dir()
    if not made_by_demo:
        found = loupe_data_in(settings)
        if found:
            return (
                f"{folder} already holds a Loupe library that is not the demo's ({', '.join(found)}); "
                "the demo adds accounts with published passwords, so it will not run there. "
                "Point LOUPE_DATA_DIR at an empty folder, e.g. LOUPE_DATA_DIR=./demo-data loupe demo"
            )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARK).write_text("Made by `loupe demo`: demo accounts with known passwords live here.\n")
    return None
