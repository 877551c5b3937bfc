"""Latency summaries and the two outputs every bench script prints: a table and ONE JSON line.

The JSON line is the machine-readable contract (CI and the README table are built from it),
so it is printed last, alone on its line, prefixed by nothing.
"""

from __future__ import annotations

import json
import resource
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def latency_summary(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in ms and single-client queries/s (= queries / time spent in them)."""
    ms = np.asarray(samples_s, dtype=np.float64) * 1000
    if not len(ms):
        return {}
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "qps": round(float(len(ms) / (ms.sum() / 1000)), 1),
        "queries": len(ms),
    }


def rss_mb() -> float:
    """Resident memory now (not the peak), from /proc, in MiB."""
    status = Path("/proc/self/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A GitHub-flavoured markdown table, so it can be pasted into the README as is."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def print_json_line(figures: dict[str, Any]) -> None:
    print(json.dumps(figures, sort_keys=True, separators=(",", ":")), flush=True)
