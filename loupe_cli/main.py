"""Entry point of the `loupe` console script: parses flags, configures logging, dispatches."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from indexer.cli import add_index_command
from loupe_cli.accounts_cli import add_account_commands
from loupe_cli.demo import add_demo_command
from loupe_cli.reindex import add_reindex_command
from loupe_cli.serve import add_serve_arguments, serve
from loupe_core.errors import LoupeError
from loupe_core.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loupe", description="Search-centric discovery for asset libraries.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_index_command(subparsers)
    serve_parser = subparsers.add_parser("serve", help="run the API and web UI")
    add_serve_arguments(serve_parser)
    serve_parser.set_defaults(handler=lambda settings, args: serve(settings, args.host, args.port))
    add_demo_command(subparsers)
    add_account_commands(subparsers)
    add_reindex_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"loupe: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    try:
        code: int = args.handler(settings, args)
    except LoupeError as exc:
        print(f"loupe: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("loupe: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
