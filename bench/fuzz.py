"""Long schemathesis run against Loupe's OpenAPI schema (the test suite runs a bounded one).

    .venv/bin/python bench/fuzz.py --examples 200 --deep-examples 1000 --scenarios 500 --seconds 600

Runs `tests/fuzz` with deeper settings: every operation gets `--examples` generated requests
(`--deep-examples` for those taking a date or a number), each sent as every role and anonymously;
the stateful run walks `--scenarios` chains of linked operations of up to `--steps` calls; the
long run spends `--seconds` on new random inputs for the date and number operations (`--seed`
replays one). The run fails on any 5xx or schema mismatch and prints the time it took.
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
QUICK = {"examples": 10, "deep_examples": 80, "scenarios": 120, "steps": 12, "seconds": 30.0}
"""`--quick`: a little deeper than the suite (6 / 40 / 60 × 10 / 15 s), in about two minutes."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per operation")
    parser.add_argument("--deep-examples", type=int, default=1000, help="per operation taking a date or a number")
    parser.add_argument("--scenarios", type=int, default=500, help="stateful runs along the schema's links")
    parser.add_argument("--steps", type=int, default=20, help="most calls in one stateful run")
    parser.add_argument("--seconds", type=float, default=300.0, help="time bound of the random long run")
    parser.add_argument("--seed", type=int, help="replay a long run (its failure message prints the seed)")
    parser.add_argument(
        "--quick", action="store_true", help="a short run: " + ", ".join(f"{k} {v}" for k, v in QUICK.items())
    )
    args = parser.parse_args()
    depth = QUICK if args.quick else {name: getattr(args, name) for name in QUICK}
    env = {
        **os.environ,
        "LOUPE_FUZZ_EXAMPLES": str(depth["examples"]),
        "LOUPE_FUZZ_DEEP_EXAMPLES": str(depth["deep_examples"]),
        "LOUPE_FUZZ_SCENARIOS": str(depth["scenarios"]),
        "LOUPE_FUZZ_STEPS": str(depth["steps"]),
        "LOUPE_FUZZ_SECONDS": str(depth["seconds"]),
        **({"LOUPE_FUZZ_SEED": str(args.seed)} if args.seed is not None else {}),
    }
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "-q", "tests/fuzz", "-p", "no:cacheprovider"]
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
    elapsed = time.perf_counter() - started
    passed = completed.returncode == 0
    print(
        "| examples/operation | date or number operations | scenarios × steps | long run s | roles | result | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    print(f"| {depth['examples']} | {depth['deep_examples']} | {depth['scenarios']} × {depth['steps']} | "
          f"{depth['seconds']:.0f} | 6 | {'pass' if passed else 'FAIL'} | {elapsed:.0f} |")  # fmt: skip
    print(json.dumps({"bench": "fuzz", **depth, "passed": passed, "elapsed_s": round(elapsed, 1)}))
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
