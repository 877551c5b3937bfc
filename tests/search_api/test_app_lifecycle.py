"""The app opens its services when it starts and closes all of them when it stops, even after a failure."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loupe_core.settings import Settings
from search_api.app import create_app
from search_api.services import Services


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> list[str]:
    """Live threads but AnyIO's worker pool, which the test client shares and retires when idle."""
    return sorted(t.name for t in threading.enumerate() if t.name != "AnyIO worker thread")


def test_fifty_starts_and_stops_leave_no_threads_or_files_behind(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, clip_model="", text_model="")
    app = create_app(settings)
    assert not hasattr(app.state, "services")  # the factory opens nothing

    def cycle() -> None:
        with TestClient(app) as client:
            assert client.get("/api/search", params={"q": "cat"}).status_code == 401
            assert client.get("/healthz").status_code == 200
        assert not hasattr(app.state, "services")

    cycle()  # warm-up: imports and caches that live for the interpreter
    before = (threads(), open_fds())
    for _ in range(50):
        cycle()
    assert (threads(), open_fds()) == before


def test_a_failure_part_way_closes_what_was_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path, clip_model="", text_model="")
    with Services.opened(settings):
        pass  # creates the files once, so their handles are what is counted below
    fds = open_fds()

    def broken_search_log(_: Settings) -> None:
        raise RuntimeError("the search log could not open")

    monkeypatch.setattr("search_api.services.open_search_log", broken_search_log)
    for _ in range(5):
        with pytest.raises(RuntimeError, match="could not open"), Services.opened(settings):
            pass
    assert open_fds() == fds  # the store, accounts and librarian databases opened first were closed
