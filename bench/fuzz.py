"""Long schemathesis run against Loupe's OpenAPI schema (the test suite runs a bounded one).

    .venv/bin/python bench/fuzz.py --examples 200

Every operation gets N generated requests, each sent as every role and anonymously; the
run fails on any 5xx or schema mismatch and prints the time it took.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per operation")
    parser.add_argument("--quick", action="store_true", help="10 examples per operation")
    args = parser.parse_args()
    examples = 10 if args.quick else args.examples
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/fuzz", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "LOUPE_FUZZ_EXAMPLES": str(examples)},
        check=False,
    )
    elapsed = time.perf_counter() - started
    print(f"| examples/operation | roles | result | seconds |\n|---|---|---|---|\n| {examples} | 6 | "
          f"{'pass' if completed.returncode == 0 else 'FAIL'} | {elapsed:.0f} |")  # fmt: skip
    print(json.dumps({"bench": "fuzz", "examples": examples, "passed": completed.returncode == 0, "seconds": elapsed}))
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
