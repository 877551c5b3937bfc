"""Embedded store under faults: a writer holding the lock, a full disk. Clear errors, nothing half-written."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from loupe_core.errors import BackendUnavailable
from loupe_core.mapping import load_index_definition
from loupe_core.principal import Role
from loupe_core.query import Query
from loupe_core.schema import Asset
from loupe_core.settings import REPO_ROOT, Settings
from loupe_core.store.embedded import EmbeddedStore
from search_api.app import create_app
from tests.accounts_fixture import bearer, seed_role_users

DEFINITION = load_index_definition(REPO_ROOT / "mappings", "assets")


def assets(count: int, start: int = 0) -> list[Asset]:
    rng = np.random.default_rng(start)
    return [
        Asset(id=f"a-{i:05d}", title=f"Asset {i}", description="x" * 400, tags=["bulk"],
              image_vector=rng.normal(size=512).tolist(), text_vector=rng.normal(size=384).tolist())
        for i in range(start, start + count)
    ]  # fmt: skip


def test_a_locked_database_gives_a_clear_error_and_reads_go_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sqlite_busy_timeout_s=0.5, clip_model="", text_model="")
    store = EmbeddedStore(settings.embedded_db_path, DEFINITION, busy_timeout_s=0.5)
    store.upsert(assets(3))
    other = sqlite3.connect(settings.embedded_db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    with pytest.raises(BackendUnavailable, match="locked by another writer"):
        store.upsert(assets(2, start=100))
    assert time.perf_counter() - started < 5
    assert store.search(Query(text="asset", mode="keyword")).total == 3
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        client.headers.update(bearer(seed_role_users(app.state.services.accounts)[Role.librarian]))
        response = client.patch("/api/assets/a-00001", json={"title": "Renamed"})
        assert response.status_code == 503 and response.json()["error"] == "backend_unavailable"
        other.execute("ROLLBACK")
        assert client.patch("/api/assets/a-00001", json={"title": "Renamed"}).status_code == 200
    assert store.count() == 3
    store.close()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs to simulate a full disk here: {exc}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_whole_batches_and_recovers(tiny_disk: Path) -> None:
    store = EmbeddedStore(tiny_disk / "loupe.sqlite3", DEFINITION)
    written: list[str] = []
    failed_batch: list[Asset] | None = None
    for start in range(0, 5000, 50):
        batch = assets(50, start=start)
        try:
            store.upsert(batch)
        except BackendUnavailable as exc:
            assert "disk is full" in str(exc) or "could not write" in str(exc)
            failed_batch = batch
            break
        written.extend(a.id for a in batch)
    assert failed_batch is not None, "the tmpfs never filled up"
    assert sorted(store.fingerprints()) == written  # the failed batch left nothing behind
    check = sqlite3.connect(tiny_disk / "loupe.sqlite3").execute("PRAGMA integrity_check").fetchone()
    assert check == ("ok",)
    store.close()
    moved = tiny_disk.parent / "moved.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = tiny_disk / f"loupe.sqlite3{suffix}"
        if source.exists():
            shutil.copy(source, moved.with_name(moved.name + suffix))
    recovered = EmbeddedStore(moved, DEFINITION)
    recovered.upsert(failed_batch)
    assert recovered.count() == len(written) + len(failed_batch)
    recovered.close()
