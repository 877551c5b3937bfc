"""The stress bench's quick mode, on both backends: no error >= 500, no stale visibility, exact counts.

It runs as a user runs it (a subprocess from the repo root) against the test session's
OpenSearch node; the full 120 s run per backend is for the README.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loupe_core.settings import REPO_ROOT
from tests.opensearch_node import opensearch_url  # noqa: F401  (session fixture)


@pytest.mark.opensearch
def test_stress_quick_is_clean_on_both_backends(opensearch_url: str) -> None:  # noqa: F811
    done = subprocess.run(
        [sys.executable, "bench/stress.py", "--quick", "--opensearch-url", opensearch_url],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0 and figures["clean"], done.stdout[-3000:] + done.stderr[-3000:]
    results = {r["backend"]: r for r in figures["results"]}
    assert set(results) == {"embedded", "opensearch"}
    for backend, result in results.items():
        assert result["searches"] > 0 and result["edits"] > 0 and result["index_runs"] > 0, backend
