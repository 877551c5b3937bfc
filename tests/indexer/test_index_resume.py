"""Interrupted runs resume without encoding a finished image again: kill -9 mid-run, and a store that goes away."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from loupe_core.encoders.registry import Encoders
from loupe_core.errors import BackendUnavailable
from loupe_core.schema import Asset
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore, Expected, Versioned, WriteReport
from loupe_core.store.factory import open_store
from tests.indexer.photos import write_photo

FILES = 30
KILL_TIMEOUT_S = 120.0


@pytest.fixture
def no_text_encoders(tiny_clip_dir: Path) -> Encoders:
    """The same CLIP spec as the settings (journaled vectors are only reused for the same model), no text model."""
    return Encoders(f"local-dir:{tiny_clip_dir}", "", "cpu")


@pytest.fixture
def resume_settings(tmp_path: Path, tiny_clip_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        clip_model=f"local-dir:{tiny_clip_dir}",
        text_model="",
        device="cpu",
        encode_batch_size=2,
        index_workers=1,
        thumbnail_px=32,
        preview_px=128,
    )


def journal_states(settings: Settings) -> dict[str, str]:
    """path -> state, read the way another process would (the indexer may be writing)."""
    if not settings.index_journal_path.exists():
        return {}
    conn = sqlite3.connect(f"file:{settings.index_journal_path}?mode=ro", uri=True, timeout=5)
    try:
        return dict(conn.execute("SELECT path, state FROM files").fetchall())
    except sqlite3.OperationalError:  # the schema is not created yet
        return {}
    finally:
        conn.close()


def start_cli(settings: Settings, library: Path) -> subprocess.Popen[bytes]:
    """`loupe index` in its own process, configured through the environment like a real deployment."""
    env = {
        **os.environ,
        "LOUPE_DATA_DIR": str(settings.data_dir),
        "LOUPE_CLIP_MODEL": settings.clip_model,
        "LOUPE_TEXT_MODEL": "",
        "LOUPE_DEVICE": "cpu",
        "LOUPE_ENCODE_BATCH_SIZE": str(settings.encode_batch_size),
        "LOUPE_INDEX_WORKERS": "1",
        "LOUPE_THUMBNAIL_PX": str(settings.thumbnail_px),
        "LOUPE_PREVIEW_PX": str(settings.preview_px),
    }
    command = [sys.executable, "-c", "from loupe_cli.main import main; raise SystemExit(main())"]
    return subprocess.Popen(
        [*command, "index", str(library), "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_a_run_killed_mid_way_resumes_without_encoding_finished_files(
    library: Path, resume_settings: Settings, no_text_encoders: Encoders
) -> None:
    for seed in range(FILES):
        write_photo(library / f"photo-{seed:02d}.jpg", (1000, 750), seed=seed)
    process = start_cli(resume_settings, library)
    deadline = time.monotonic() + KILL_TIMEOUT_S
    while "written" not in journal_states(resume_settings).values():
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the indexer wrote nothing in time"
        time.sleep(0.01)
    process.kill()  # SIGKILL: no cleanup of any kind
    process.wait()
    states = journal_states(resume_settings)
    store = open_store(resume_settings)
    try:
        stored = {str(library / asset_id) for asset_id in store.fingerprints()}
        encoded = {path for path, state in states.items() if state == "encoded"} - stored
        assert 0 < len(stored) < FILES, "the kill came too late to test resuming"

        report = run_index(resume_settings, library, None, quiet=True, store=store, encoders=no_text_encoders)

        assert (report.failed, store.count()) == ([], FILES)
        assert (report.unchanged, report.indexed) == (len(stored), FILES - len(stored))
        assert (report.reused, report.encoded) == (len(encoded), FILES - len(stored) - len(encoded))
        assert set(journal_states(resume_settings).values()) == {"written"}
    finally:
        store.close()


class FailingStore:
    """The real store until the `fail_on`-th bulk write, which finds the backend gone."""

    def __init__(self, store: AssetStore, fail_on: int) -> None:
        self._store = store
        self._fail_on = fail_on
        self._writes = 0

    def upsert(
        self, assets: Sequence[Asset], expected: Expected | None = None, *, wait_for_search: bool = False
    ) -> WriteReport:
        self._writes += 1
        if self._writes == self._fail_on:
            raise BackendUnavailable("the search backend is not answering")
        return self._store.upsert(assets, expected, wait_for_search=wait_for_search)

    def delete(self, ids: Iterable[str]) -> int:
        return self._store.delete(ids)

    def get(self, asset_id: str) -> Asset:
        return self._store.get(asset_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, Versioned]:
        return self._store.get_many(ids)

    def fingerprints(self) -> dict[str, str | None]:
        return self._store.fingerprints()


def test_a_backend_outage_keeps_the_encoded_batch_for_the_next_run(
    library: Path, resume_settings: Settings, no_text_encoders: Encoders
) -> None:
    for seed in range(9):
        write_photo(library / f"p{seed}.jpg", seed=seed)
    store = open_store(resume_settings)
    try:
        with pytest.raises(BackendUnavailable) as outage:
            run_index(
                resume_settings, library, None, quiet=True, store=FailingStore(store, 3), encoders=no_text_encoders
            )  # type: ignore[arg-type]
        written = store.count()
        kept = [path for path, state in journal_states(resume_settings).items() if state == "encoded"]
        assert str(outage.value).endswith(
            f"({len(kept)} newly encoded files are kept in the journal; re-run to resume)"
        )
        assert written >= 2 and kept

        report = run_index(resume_settings, library, None, quiet=True, store=store, encoders=no_text_encoders)

        assert (report.unchanged, report.reused) == (written, len(kept))
        assert (report.encoded, report.indexed) == (9 - written - len(kept), 9 - written)
        assert store.count() == 9
    finally:
        store.close()
