"""`loupe reindex`: rebuild the OpenSearch indices from the current mappings behind their aliases.

Searches keep working throughout (the alias moves in one atomic call at the end); pause
indexing while it runs. The embedded backend has no index to rebuild.
"""

from __future__ import annotations

import argparse

from loupe_core.mapping import load_index_definition
from loupe_core.settings import Settings


def add_reindex_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("reindex", help="rebuild OpenSearch indices from mappings/ (no downtime)")
    parser.set_defaults(handler=_run)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if settings.backend != "opensearch":
        print("loupe: reindex applies to LOUPE_BACKEND=opensearch; the embedded store reads mappings/ directly")
        return 2
    from loupe_core.store.opensearch import OpenSearchStore

    store = OpenSearchStore.from_settings(settings, load_index_definition(settings.mappings_dir, "assets"))
    try:
        for lifecycle in store.lifecycles:
            print(f"{lifecycle.alias} -> {lifecycle.reindex()}")
    finally:
        store.close()
    return 0
