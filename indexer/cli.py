"""The `loupe index` subcommand: parses flags, calls `run_index`, prints the outcome, picks the exit code.

Exit codes: 0 done (bad files are reported, not fatal), 1 `--strict` and some file failed,
2 the run could not start or its store went away (missing folder, unusable manifest or column
map, store unreachable); a re-run then resumes from the journal.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from indexer.report import IndexProblem, IndexReport
from loupe_core.errors import LoupeError
from loupe_core.settings import Settings

LISTED_PER_KIND = 50
"""Beyond this many, the console shows a count and `--report` holds the full list."""


def add_index_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register `index`; the parsed namespace carries `handler`, called as `args.handler(settings, args)`."""
    parser = subparsers.add_parser(
        "index",
        help="index a folder of images",
        description="Index every image under PATH (recursively) into the configured store. Metadata comes "
        "from a manifest (CSV or JSON lines), <file>.json sidecars and the files' own EXIF/IPTC/XMP, "
        "in that order of precedence. An interrupted run resumes where it stopped.",
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="folder to index")
    parser.add_argument("--manifest", type=Path, help="CSV or .jsonl DAM export with a `file` column relative to PATH")
    parser.add_argument(
        "--column-map", type=Path, help='JSON object renaming manifest columns: {"Headline": "title", "Notes": null}'
    )
    parser.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="only files matching (repeatable)"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="skip files/folders (repeatable)"
    )
    parser.add_argument("--prune", action="store_true", help="delete assets whose file under PATH no longer exists")
    parser.add_argument("--report", type=Path, dest="report_path", help="write problems here as JSON lines")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any image failed")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle_index)
    return parser


def handle_index(settings: Settings, args: argparse.Namespace) -> int:
    from indexer.pipeline import run_index  # imports torch: not for `loupe --help`, nor for each worker process

    try:
        report = run_index(
            settings,
            args.path,
            args.manifest,
            strict=args.strict,
            report_path=args.report_path,
            quiet=args.quiet,
            column_map=args.column_map,
            include=args.include,
            exclude=args.exclude,
            prune=args.prune,
        )
    except (LoupeError, ValueError) as exc:  # ValueError: an unusable --include/--exclude pattern
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render_summary(report))
    return report.exit_code


def _listing(title: str, problems: list[IndexProblem]) -> list[str]:
    if not problems:
        return []
    lines = [f"{title}:"]
    lines.extend(f"  {p.reason.value:<18} {p.path}: {p.detail}" for p in problems[:LISTED_PER_KIND])
    if len(problems) > LISTED_PER_KIND:
        lines.append(f"  ... and {len(problems) - LISTED_PER_KIND} more (--report FILE lists all)")
    return lines


def render_summary(report: IndexReport) -> str:
    """Failed and skipped files with their reasons, then one line of totals with failures by reason."""
    by_reason = Counter(p.reason.value for p in report.failed)
    reasons = f" ({', '.join(f'{r} {n}' for r, n in sorted(by_reason.items()))})" if by_reason else ""
    return "\n".join(
        [
            *_listing("failed", report.failed),
            *_listing("skipped", report.skipped),
            *_listing("notice", report.notices),
            f"{report.summary()}{reasons}",
        ]
    )
