"""The sign-in limiter: exact sliding windows per key, in memory that stays bounded whatever clients send."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from search_api.rate_limit import LoginThrottle, SlidingWindowLimiter, client_key

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT_MB = 16
MEMORY_PROBE = f"""
import re, sys
from pathlib import Path
from search_api.rate_limit import SlidingWindowLimiter

def peak_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

limiter = SlidingWindowLimiter(10)
start = peak_mb()
for i in range(1_000_000):
    limiter.retry_after(f"203.0.113.7|user-{{i}}")
    if i % 50_000 == 0 and peak_mb() - start > {MEMORY_LIMIT_MB}:
        sys.exit(f"grew by {{peak_mb() - start:.0f}} MB after {{i + 1}} keys")
print(f"{{peak_mb() - start:.1f}}")
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_million_distinct_keys_stay_under_a_fixed_memory_figure() -> None:
    """A fresh interpreter's peak resident size (VmHWM: unlike `ru_maxrss` it is not inherited from
    the parent across exec) measures the limiter alone."""
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert probe.returncode == 0, probe.stderr
    assert float(probe.stdout) <= MEMORY_LIMIT_MB


def test_window_slides_and_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(2, window_s=60, clock=clock)
    assert limiter.retry_after("k") == 0
    clock.now += 10
    assert limiter.retry_after("k") == 0
    clock.now += 5
    assert limiter.retry_after("k") == pytest.approx(45)
    clock.now += 45
    assert limiter.retry_after("k") == 0, "the first try left the window"
    assert limiter.retry_after("k") == pytest.approx(10)


def test_keys_whose_window_passed_are_forgotten() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(3, window_s=60, clock=clock)
    for i in range(500):
        limiter.retry_after(f"old-{i}")
    clock.now += 61
    limiter.retry_after("new")
    assert len(limiter) == 1


def test_a_hammered_key_stays_counted_when_the_table_is_full() -> None:
    """Past the size cap the least recently seen key goes; the key being attacked is always the latest."""
    limiter = SlidingWindowLimiter(3, max_keys=100, clock=Clock())
    for _ in range(3):
        limiter.retry_after("victim")
    for i in range(10_000):
        limiter.retry_after(f"flood-{i}")
        if i % 50 == 0:
            assert limiter.retry_after("victim") > 0
    assert len(limiter) == 100


def test_login_throttle_counts_per_address_and_per_name() -> None:
    throttle = LoginThrottle(per_name=2, per_client=4)
    assert [throttle.retry_after("198.51.100.7", "ana") > 0 for _ in range(3)] == [False, False, True]
    assert throttle.retry_after("198.51.100.7", "ben") == 0
    assert throttle.retry_after("198.51.100.7", "cy") > 0, "four tries from this address in the window"
    assert throttle.retry_after("203.0.113.9", "ana") == 0


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_client_key_folds_an_ipv6_host_to_its_64(host: str | None, key: str) -> None:
    assert client_key(host) == key
